"""Dutch unless the person chose English: the language comes from the language cookie
(set by the language button), not from the browser's Accept-Language, because a
Dutch workshop should not switch language with a phone's system setting."""

from django.conf import settings
from django.utils import translation


def chosen_language(cookies) -> str:
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request.COOKIES)
        request.LANGUAGE_CODE = language
        # For this request only: the thread serves the next one (or a test) in its own.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
