from django.contrib import admin

from game.models import PollTemplate, Workshop
from game.views.accounts import AdminLoginForm

# The admin's login refuses, as ours does, while the limits on failed logins hold
# (its view, game.views.accounts.admin_login, answers those with 429).
admin.site.login_form = AdminLoginForm


@admin.register(PollTemplate)
class PollTemplateAdmin(admin.ModelAdmin):
    list_display = ["question", "order"]
    list_editable = ["order"]
    search_fields = ["question", "answers"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "facilitator", "status", "created"]
    list_filter = ["status", "deck"]
    search_fields = ["name", "code", "facilitator__username"]
    readonly_fields = ["code", "created", "ended"]
