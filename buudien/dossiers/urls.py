from django.urls import path

from buudien.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("", views.index, name="index"),
    path("receive/", views.receive, name="receive"),
    path("receive/procedure/", views.procedure_part, name="procedure_part"),
    path("lookup/", views.lookup, name="lookup"),
    path("handovers/", views.handovers, name="handovers"),
    path("handovers/new/", views.handover_new, name="handover_new"),
    path("handovers/<str:number>.pdf", views.handover_record, name="handover_record"),
    path("handovers/<str:number>/", views.handover, name="handover"),
    path("results/new/", views.results_new, name="results_new"),
    path("settlements/", views.settlements_page, name="settlements"),
    path(
        "settlements/<str:reference>.xlsx",
        views.settlement_statement,
        name="settlement_statement",
    ),
    path("<str:code>/", views.dossier, name="dossier"),
    path("<str:code>/return/", views.dossier_return, name="return"),
    path("<str:code>/slip.pdf", views.slip, name="slip"),
]
