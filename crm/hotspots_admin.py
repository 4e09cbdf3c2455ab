"""CRM → Ward hot spots: the grid of ``crm.hotspots`` as a shaded table and a chart, exact or publishable.

- ``/admin/crm/hot-spots/``: exact counts, for the Prevent team (an outreach officer opening it is
  sent to the publishable version);
- ``/admin/crm/hot-spots/publishable/``: small numbers suppressed by ``crm.suppression`` (the same
  rule as the compliance public summary), for committee papers; the team and outreach officers.

Both take the same filters in the query string (period, year, measure, type, tag) and download the
grid they show as CSV or XLSX (``?export=csv``) through ``crm.exports``: the publishable download is
suppressed exactly as its page is.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from . import roles
from .exports import CSV, XLSX, csv_bytes, spreadsheet_response, xlsx_bytes
from .hotspots import LEVELS, PERIODS, QUARTER, HotspotFilters, hotspot_grid, hotspot_measures
from .models import ContactType, OutreachTag
from .periods import FinancialYear
from .roles import is_team
from .suppression import SUPPRESSION_NOTE

YEARS_OFFERED = 6
BAD_FILTERS = "Some filters were not recognised and were left out: choose from the lists."
BAD_EXPORT = "Choose CSV or XLSX to download."


def may_see_publishable(user) -> bool:
    return roles.has_role(user, roles.PREVENT_ADMIN, roles.OUTREACH_OFFICER)


class HotspotFilterForm(forms.Form):
    period = forms.ChoiceField(label="Grid", choices=PERIODS.items(), required=False)
    year = forms.TypedChoiceField(label="Financial year", coerce=int, required=False)
    measure = forms.ChoiceField(label="Count", required=False)
    contact_type = forms.ChoiceField(label="Type", required=False)
    tag = forms.ModelChoiceField(label="Topic tag", queryset=OutreachTag.objects.all(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = FinancialYear.current().start_year
        self.fields["year"].choices = [
            (start, FinancialYear(start).label) for start in range(current, current - YEARS_OFFERED, -1)
        ]
        self.fields["measure"].choices = [(key, measure.label) for key, measure in hotspot_measures().items()]
        self.fields["contact_type"].choices = [("", "All types"), *ContactType.choices]
        self.fields["tag"].empty_label = "All topics"


class HotspotsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "crm/admin/hotspots.html"
    header_icon = "site"
    publishable = False

    def dispatch(self, request, *args, **kwargs):
        if self.publishable and not may_see_publishable(request.user):
            raise PermissionDenied
        if not self.publishable and not is_team(request.user):
            if may_see_publishable(request.user):
                return redirect(f"{reverse('hot_spots:publishable')}?{request.GET.urlencode()}".rstrip("?"))
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return "Ward hot spots: publishable" if self.publishable else "Ward hot spots"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    @cached_property
    def form(self) -> HotspotFilterForm:
        form = HotspotFilterForm(self.request.GET or None)
        if form.is_bound and not form.is_valid():
            messages.error(self.request, BAD_FILTERS)
        return form

    def choice(self, name, default):
        data = self.form.cleaned_data if self.form.is_bound else {}
        if self.form.is_bound and name in self.form.errors:
            return default
        return data.get(name) or default

    @cached_property
    def grid(self):
        measures = hotspot_measures()
        measure = measures.get(self.choice("measure", "visits"), measures["visits"])
        tag = self.choice("tag", None)
        filters = HotspotFilters(contact_type=self.choice("contact_type", ""), tag_id=tag.pk if tag else None)
        year = FinancialYear(self.choice("year", FinancialYear.current().start_year))
        return hotspot_grid(measure=measure, period=self.choice("period", QUARTER), year=year, filters=filters)

    def table(self) -> tuple[list[str], list[list]]:
        if self.publishable:
            return self.grid.published().table(corner="Ward")
        return self.grid.table()

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt is not None:
            if fmt in (CSV, XLSX):
                return self.download(fmt)
            messages.error(request, BAD_EXPORT)
        return super().get(request, *args, **kwargs)

    def download(self, fmt):
        headings, rows = self.table()
        grid = self.grid
        kind = "publishable" if self.publishable else "exact"
        name = f"ward-hot-spots-{kind}-{grid.measure.key}-{grid.period}-{grid.year.start_year}"
        filename = f"{name}-{timezone.localdate():%Y-%m-%d}.{fmt}"
        if fmt == CSV:
            body = csv_bytes(headings, rows)
        else:
            body = xlsx_bytes(headings, rows, sheet_title=f"{grid.measure.label} {grid.year.label}")
        return spreadsheet_response(body, fmt=fmt, filename=filename)

    def cells(self):
        """Each ward's cells for the page: (shown text, shading level) — levels only for what is shown."""
        grid = self.grid
        published = grid.published() if self.publishable else None
        rows = []
        for r, ward in enumerate(grid.ward_names):
            cells = []
            for c, count in enumerate(grid.counts[r]):
                if published is not None and ("cell", r, c) in published.hidden:
                    cells.append((published.cells[r][c], None))
                else:
                    cells.append((str(count), grid.level(count)))
            total = published.row_totals[r] if published else str(grid.row_totals[r])
            rows.append((ward, cells, total))
        if published:
            footer = (published.column_totals, published.total)
        else:
            footer = ([str(count) for count in grid.column_totals], str(grid.total))
        return rows, footer

    def chart(self):
        """A horizontal bar per ward (its total for the grid's span); hidden totals get no bar."""
        grid = self.grid
        published = grid.published() if self.publishable else None
        totals = grid.row_totals
        shown = [
            (ward, total, published.row_totals[r] if published else str(total))
            for r, (ward, total) in enumerate(zip(grid.ward_names, totals, strict=True))
        ]
        top = max((total for _, total, text in shown if text == str(total)), default=0) or 1
        bars = []
        for n, (ward, total, text) in enumerate(shown):
            visible = text == str(total)
            bars.append(
                {
                    "ward": ward,
                    "text": text,
                    "width": round(200 * total / top, 1) if visible else 0,
                    "y": 10 + n * 34,
                }
            )
        return {"bars": bars, "height": 20 + len(bars) * 34}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, (column_totals, total) = self.cells()
        grid = self.grid
        unfiltered = (grid.filters.contact_type or grid.filters.tag_id) and not {"contact_type", "tag"} <= set(
            grid.measure.filters
        )
        context.update(
            form=self.form,
            grid=grid,
            rows=rows,
            column_totals=column_totals,
            total=total,
            chart=self.chart(),
            levels=range(1, LEVELS + 1),
            publishable=self.publishable,
            note=SUPPRESSION_NOTE if self.publishable else "",
            unfiltered=unfiltered,
            exact_url=reverse("hot_spots:index"),
            publishable_url=reverse("hot_spots:publishable"),
            query=self.request.GET.copy(),
            is_team=is_team(self.request.user),
            export_query=_without(self.request.GET, "export"),
        )
        return context


def _without(query, name) -> str:
    query = query.copy()
    query.pop(name, None)
    return query.urlencode()


class HotspotsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_publishable(request.user)


class HotspotsViewSet(ViewSet):
    """CRM → Ward hot spots, under /admin/crm/hot-spots/."""

    name = "hot_spots"
    url_prefix = "crm/hot-spots"
    icon = "site"
    menu_label = "Ward hot spots"
    menu_item_class = HotspotsMenuItem
    add_to_admin_menu = False  # in CrmViewSetGroup's submenu

    def get_urlpatterns(self):
        return [
            path("", HotspotsView.as_view(), name="index"),
            path("publishable/", HotspotsView.as_view(publishable=True), name="publishable"),
        ]
