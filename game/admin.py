from django.contrib import admin

from game.models import PollTemplate, Workshop


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
