from django.urls import path, URLPattern

app_name = "interview"

urlpatterns: list[URLPattern] = []
