from django.urls import include, path

from game.views import (
    debrief,
    followup,
    host,
    manual,
    phone,
    plan,
    programme,
    projector,
    results,
)

host_patterns = [
    path("", host.host_home, name="home"),
    # Above "<code>/", which would take "programmes", "import" or "handleiding" for a join code.
    path("import/", programme.host_import, name="import"),
    # The manual (docs/manual/), public: game.views.manual says why.
    path("handleiding/", manual.manual_index, name="manual"),
    path("handleiding/<str:page>/", manual.manual_page, name="manual_page"),
    path(
        "handleiding/img/<str:language>/<str:name>",
        manual.manual_image,
        name="manual_image",
    ),
    path("programmes/", programme.programmes_home, name="programmes"),
    path("programmes/<int:pk>/", programme.programme_page, name="programme"),
    path("programmes/<int:pk>/do/", programme.programme_action, name="programme_action"),
    path("programmes/<int:pk>/programme.csv", programme.programme_csv, name="programme_csv"),
    path("programmes/<int:pk>/programme.xlsx", programme.programme_xlsx, name="programme_xlsx"),
    path(
        "programmes/<int:pk>/helpers/import/",
        programme.programme_helpers_import,
        name="programme_helpers_import",
    ),
    path(
        "programmes/<int:pk>/helpers.<str:kind>",
        programme.programme_helpers_file,
        name="programme_helpers_file",
    ),
    path("<str:code>/", host.host_session, name="session"),
    path("<str:code>/panel/", host.host_panel, name="panel"),
    path("<str:code>/qr.svg", host.host_qr, name="qr"),
    path("<str:code>/do/", host.host_action, name="action"),
    path("<str:code>/projector/", projector.projector, name="projector"),
    path("<str:code>/projector/panel/", projector.projector_panel, name="projector_panel"),
    path("<str:code>/results/", results.host_results, name="results"),
    path("<str:code>/results.csv", results.host_results_csv, name="results_csv"),
    path("<str:code>/results.xlsx", results.host_results_xlsx, name="results_xlsx"),
    path("<str:code>/projector/debrief/", debrief.host_debrief, name="debrief"),
    path("<str:code>/tables/<int:number>/replay/", debrief.host_replay, name="replay"),
]

urlpatterns = [
    path("join/", phone.join, name="join"),
    path("j/<str:code>/", phone.join_short, name="join_short"),
    path("j/<str:code>/<str:key>/", phone.join_link, name="join_link"),
    path("play/", phone.play, name="play"),
    path("plan/", plan.plan_page, name="plan"),
    path("plan/save/", plan.plan_save, name="plan_save"),
    path("plan/print/", plan.plan_print, name="plan_print"),
    path("plan/mijn-actieplan.md", plan.plan_download, name="plan_download"),
    path("plan/contact/", plan.plan_contact, name="plan_contact"),
    path("plan/send/", plan.plan_send, name="plan_send"),
    path("plan/mates/", plan.plan_mates, name="plan_mates"),
    path("plan/thumbs/<str:token>/", followup.followup_thumbs, name="followup_thumbs"),
    # From the follow-up mails, by signed token (game.views.followup).
    path("plan/checkin/<str:token>/", followup.followup_checkin, name="followup_checkin"),
    path("plan/checkin/<str:token>/help/", followup.followup_help, name="followup_help"),
    path("plan/help/<str:token>/", followup.followup_help_contact, name="followup_help_contact"),
    path("plan/circle/<str:token>/", followup.circle_answer_page, name="circle_answer"),
    path("plan/helper-stop/<str:token>/", followup.helper_stop_page, name="helper_stop"),
    path("plan/circle/", plan.plan_circle, name="plan_circle"),
    path("plan/stop/<str:token>/", followup.followup_stop, name="followup_stop"),
    path("plan/open/<str:token>/", followup.plan_open, name="plan_open"),
    path("host/", include((host_patterns, "host"))),
]
