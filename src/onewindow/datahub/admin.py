"""Registry and certificate library (read-mostly; changes go through services)."""

from __future__ import annotations

from django.contrib import admin

from onewindow.datahub.models import Certificate, DataAccess, Organisation, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "region_code", "gender", "birth_date")
    search_fields = ("name", "id_number")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "credit_code", "region_code")
    search_fields = ("name", "credit_code")


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin[Certificate]):
    list_display = ("identifier", "type", "holder_name", "status", "valid_to")
    list_filter = ("type", "status")
    search_fields = ("identifier", "number", "holder_code")


@admin.register(DataAccess)
class DataAccessAdmin(admin.ModelAdmin[DataAccess]):
    list_display = ("at", "actor", "department", "what", "case_number", "purpose")
    search_fields = ("case_number", "holder_code")
