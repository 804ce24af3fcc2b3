"""The share-of-wallet charts: PNG size and content, the scatter's parts, the offline page."""

from __future__ import annotations

import io
import re
import shutil
import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.image import imread

from graph_service.analytics.engagement import DEFAULT
from graph_service.store.memory import MemoryStore
from tests.viz_support import AS_OF, EXTERNAL_REF, demo_store, embedded, missing
from viz import charts
from viz.charts import (
    SowData,
    draw_ltv_share,
    draw_whitespace_accounts,
    draw_whitespace_units,
    sow_data,
    sow_figure,
    sow_html,
    sow_png,
)

#: In one currency no demo account breaks the LTV x share trend at |z| >= 2; at 0.7, c-01
#: (z = 0.76) and c-06 (z = -0.73) do, which gives the scatter outliers to name.
OUTLIERS_AT = replace(DEFAULT, outlier_z=0.7)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SowData]:
    store = demo_store(tmp_path_factory.mktemp("demo"))
    try:
        yield sow_data(store, AS_OF, OUTLIERS_AT)
    finally:
        store.close()


@pytest.fixture(scope="module")
def in_usd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SowData]:
    store = demo_store(tmp_path_factory.mktemp("demo-usd"))
    try:
        yield sow_data(store, AS_OF, replace(OUTLIERS_AT, currency="USD"))
    finally:
        store.close()


def axes_of(draw: Callable[[Axes, SowData], None], data: SowData) -> Axes:
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    draw(ax, data)
    return ax


def pixels(png: bytes) -> npt.NDArray[np.float32]:
    return imread(io.BytesIO(png), format="png")


def test_the_png_is_full_size_and_not_blank(data: SowData) -> None:
    png = sow_png(data)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    img = pixels(png)
    assert img.shape[:2] == (1100, 1600)
    rgb = img[:, :, :3]
    non_white = np.any(rgb < 0.95, axis=2).mean()
    assert non_white > 0.05
    colours = {tuple(c) for c in (rgb[::4, ::4].reshape(-1, 3) * 255).astype(int)}
    assert len(colours) > 100


def test_the_scatter_has_a_log_axis_a_trend_line_and_named_outliers(data: SowData) -> None:
    assert data.ltv.outliers and data.ltv.slope is not None
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    draw_ltv_share(ax, data)
    assert ax.get_xscale() == "log"
    assert len(ax.get_lines()) == 1  # the trend
    labels = {t.get_text() for t in ax.texts}
    assert labels == {p.name for p in data.ltv.outliers}
    assert labels == {"株式会社さくら製作所", "Bluefin Logistics Corp."}
    point_sizes = []
    for c in ax.collections:
        assert isinstance(c, PathCollection)  # only the scatter's groups draw collections
        point_sizes.append(c.get_sizes())
    sizes = np.concatenate(point_sizes)
    assert sizes.max() > 5 * sizes.min()  # point area follows whitespace


def test_japanese_labels_render_without_missing_glyphs(data: SowData) -> None:
    if charts.japanese_font() is None:
        missing("no Japanese font: install fonts-noto-cjk (.ci/run does)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sow_png(data)
    assert not [w for w in caught if "Glyph" in str(w.message)]


def test_without_a_japanese_font_the_charts_warn_and_still_draw(
    data: SowData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "JAPANESE_FONTS", ("No Such Font JP",))
    monkeypatch.setattr(shutil, "which", lambda _: None)  # how viz.charts finds fc-list
    charts.japanese_font.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="no Japanese font"):
            png = sow_png(data)
    finally:
        charts.japanese_font.cache_clear()
    assert pixels(png).shape[:2] == (1100, 1600)


def test_the_page_has_one_point_per_account_and_fetches_nothing(data: SowData) -> None:
    page = sow_html(data)
    assert EXTERNAL_REF.search(page) is None
    assert "<script src" not in page and "<link" not in page
    assert len(re.findall(r'<circle class="pt', page)) == len(data.ltv.points)
    assert embedded(page)["outliers"] == [p.account_id for p in data.ltv.outliers]
    assert "東都銀行" in page  # names as UTF-8 text


def test_an_empty_portfolio_still_draws(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    try:
        empty = sow_data(store, AS_OF)
    finally:
        store.close()
    assert not empty.ltv.points and not empty.accounts
    assert pixels(sow_png(empty)).shape[:2] == (1100, 1600)
    assert "No account has both" in sow_html(empty)


def test_the_data_is_in_the_reporting_currency(data: SowData) -> None:
    assert data.currency == "JPY" and not data.unconverted
    c05 = next(a for a in data.accounts if a.account_id == "c-05")
    assert c05.whitespace == pytest.approx(1_296_600_000)  # USD amounts at 150 JPY/USD


def test_the_data_answers_in_the_currency_asked(in_usd: SowData) -> None:
    assert in_usd.currency == "USD"
    c05 = next(a for a in in_usd.accounts if a.account_id == "c-05")
    assert c05.whitespace == pytest.approx(8_644_000)  # 1,296,600,000 / 150


def test_the_money_axes_name_the_currency(data: SowData) -> None:
    assert "lifetime value (JPY)" in axes_of(draw_ltv_share, data).get_xlabel()
    assert axes_of(draw_whitespace_accounts, data).get_xlabel() == "whitespace (JPY)"
    assert axes_of(draw_whitespace_units, data).get_xlabel() == "whitespace (JPY)"


def test_the_title_names_the_currency_asked(in_usd: SowData) -> None:
    fig = sow_figure(in_usd)
    title = fig.get_suptitle()
    assert "amounts in USD" in title and "own currency" not in title


def test_the_page_labels_its_columns_and_tooltips_with_the_currency(data: SowData) -> None:
    page = sow_html(data)
    assert "<th>LTV (JPY)</th>" in page and "<th>whitespace (JPY)</th>" in page
    assert "whitespace 1,296,600,000 JPY" in page  # c-05's point and bar
    assert embedded(page)["currency"] == "JPY"


def test_business_units_are_in_the_reporting_currency(data: SowData) -> None:
    """Granite Peak's EHR Modernization Program: a wallet of 3,000,000 USD and no won spend."""
    ehr = next(u for u in data.units if u.bu_id == "bu-16")
    assert ehr.whitespace == pytest.approx(3_000_000 * 150)
