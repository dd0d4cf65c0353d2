from django.urls import path

from hujin.suitability import views

app_name = "suitability"
urlpatterns = [
    path("", views.questionnaire_versions, name="questionnaires"),
    path("questionnaire/", views.questionnaire, name="questionnaire"),
    path("results/<uuid:assessment_id>/", views.result, name="result"),
    path("history/", views.history, name="history"),
]
