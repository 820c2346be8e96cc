from django.urls import include, path

from game.views import debrief, host, phone, plan, projector, results

host_patterns = [
    path("", host.host_home, name="home"),
    path("<str:code>/", host.host_session, name="session"),
    path("<str:code>/panel/", host.host_panel, name="panel"),
    path("<str:code>/qr.svg", host.host_qr, name="qr"),
    path("<str:code>/do/", host.host_action, name="action"),
    path("<str:code>/projector/", projector.projector, name="projector"),
    path("<str:code>/projector/panel/", projector.projector_panel, name="projector_panel"),
    path("<str:code>/results/", results.host_results, name="results"),
    path("<str:code>/results.csv", results.host_results_csv, name="results_csv"),
    path("<str:code>/projector/debrief/", debrief.host_debrief, name="debrief"),
    path("<str:code>/tables/<int:number>/replay/", debrief.host_replay, name="replay"),
]

urlpatterns = [
    path("join/", phone.join, name="join"),
    path("j/<str:code>/", phone.join_short, name="join_short"),
    path("play/", phone.play, name="play"),
    path("plan/", plan.plan_page, name="plan"),
    path("plan/save/", plan.plan_save, name="plan_save"),
    path("plan/print/", plan.plan_print, name="plan_print"),
    path("plan/mijn-actieplan.md", plan.plan_download, name="plan_download"),
    path("host/", include((host_patterns, "host"))),
]
