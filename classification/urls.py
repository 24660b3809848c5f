from django.urls import path, URLPattern

app_name = "analysis"

urlpatterns: list[URLPattern] = []
