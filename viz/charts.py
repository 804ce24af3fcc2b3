"""Portfolio share-of-wallet charts: a PNG dashboard (matplotlib, Agg) and an interactive page.

Four charts over the portfolio as of a date (definitions in ``docs/analytics.md``):

* **LTV x share of wallet**: one point per account with both (log LTV axis), point area by
  whitespace, the robust trend line of
  :func:`~graph_service.analytics.portfolio.ltv_share_analysis` and the accounts that break it
  labelled by name.
* **Whitespace by account** (the largest) and **by business unit** (the largest units of the
  accounts with the most whitespace).
* **Share of wallet by channel**: per account, won spend in the window through each channel
  over the account's wallet; the segments add up to the account's share.

Amounts are in one currency (:attr:`SowData.currency`: the reporting currency, or the one
``params.currency`` asks for), and every axis, tooltip and column that shows money names it.
Amounts that no exchange rate converts are left out and noted under the charts
(:attr:`SowData.unconverted`). :func:`sow_png` draws the four in one PNG; :func:`sow_html` is
a self-contained page (inline SVG, hover details, sortable table, no script or style from the
network).
"""

from __future__ import annotations

import contextlib
import functools
import html
import io
import math
import shutil
import subprocess
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, PercentFormatter

from graph_service.analytics.currency import rates_for
from graph_service.analytics.engagement import DEFAULT
from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.portfolio import (
    LtvPoint,
    LtvShareAnalysis,
    ltv_share_analysis,
    portfolio_wallets,
)
from graph_service.analytics.queries import portfolio_facts
from graph_service.analytics.wallet import share_of_wallet
from graph_service.domain import Unconverted
from graph_service.money import in_reporting_currency
from graph_service.store.base import Store
from viz.org_map import FONT_STACK, compact_amount, script_json

#: Japanese-capable fonts matplotlib tries, in order.
JAPANESE_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "TakaoGothic",
    "VL Gothic",
    "Hiragino Sans",
    "Hiragino Kaku Gothic ProN",
    "Yu Gothic",
    "Meiryo",
)
#: How many accounts (and units) the bar charts show.
TOP_ACCOUNTS = 15
TOP_UNITS = 20

ABOVE_COLOR = "#1b9e77"
BELOW_COLOR = "#d95f02"
POINT_COLOR = "#4c78a8"
TREND_COLOR = "#555555"
BAR_COLOR = "#4c78a8"
UNIT_COLOR = "#72b7b2"
CHANNEL_COLORS = (
    "#4c78a8",
    "#f58518",
    "#54a24b",
    "#e45756",
    "#b279a2",
    "#9d755d",
    "#72b7b2",
    "#ff9da6",
    "#bab0ac",
    "#eeca3b",
)
NO_CHANNEL = "(no channel)"


@dataclass(frozen=True, slots=True)
class AccountWhitespace:
    """An account's wallet, spend in the window, share and whitespace."""

    account_id: str
    name: str
    wallet: float | None
    spend: float
    share: float | None
    whitespace: float
    modeled: bool


@dataclass(frozen=True, slots=True)
class UnitWhitespace:
    """A business unit's wallet, spend and whitespace."""

    account_id: str
    account_name: str
    bu_id: str
    name: str
    wallet: float
    spend: float
    whitespace: float


@dataclass(frozen=True, slots=True)
class ChannelShare:
    """An account's share of wallet split by the channel of the won deals."""

    account_id: str
    name: str
    wallet: float
    modeled: bool
    shares: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.shares.values())


@dataclass(frozen=True, slots=True)
class SowData:
    """Everything the share-of-wallet charts draw."""

    as_of: date
    ltv: LtvShareAnalysis
    accounts: list[AccountWhitespace] = field(default_factory=list)
    units: list[UnitWhitespace] = field(default_factory=list)
    channels: list[ChannelShare] = field(default_factory=list)
    #: The currency of every amount above (ISO 4217); "" when unknown (no rates, no data).
    currency: str = ""
    #: Amounts left out of every amount above: no exchange rate converts them.
    unconverted: list[Unconverted] = field(default_factory=list)

    def money(self, what: str) -> str:
        """An axis or column label of an amount, naming the currency: ``whitespace (JPY)``."""
        return f"{what} ({self.currency})" if self.currency else what

    @property
    def left_out_note(self) -> str | None:
        """A line saying which accounts' amounts in which currencies were left out, or None."""
        if not self.unconverted:
            return None
        accounts = len({u.company_id for u in self.unconverted})
        currencies = ", ".join(sorted({u.currency or "?" for u in self.unconverted}))
        noun = "account has" if accounts == 1 else "accounts have"
        return (
            f"{accounts} {noun} amounts in {currencies} that no exchange rate converts into "
            f"{self.currency}: left out"
        )

    @property
    def channel_names(self) -> list[str]:
        """Channels by total share over the accounts shown, largest first."""
        totals: dict[str, float] = {}
        for c in self.channels:
            for name, value in c.shares.items():
                totals[name] = totals.get(name, 0.0) + value
        return sorted(totals, key=lambda n: (-totals[n], n))


def sow_data(
    store: Store,
    as_of: date,
    params: AnalyticsParams = DEFAULT,
    *,
    top_accounts: int = TOP_ACCOUNTS,
    top_units: int = TOP_UNITS,
    visible: frozenset[str] | None = None,
) -> SowData:
    """Gather the charts' data from a store (business units of the top accounts only), its
    amounts in the answer's currency (:func:`~graph_service.analytics.currency.rates_for`).

    Raises :class:`~graph_service.errors.InvalidArgumentError` when no rate converts the
    currency asked for.

    With ``visible`` (a caller's visible company ids), over those accounts only (their
    business units read with the same ids).
    """
    rates = rates_for(store, params)
    facts = portfolio_facts(store, as_of, params, visible=visible)
    analysis = ltv_share_analysis(facts, as_of, params)
    wallets, _ = portfolio_wallets(facts, params)
    accounts = sorted(
        (
            AccountWhitespace(
                f.company.id,
                f.company.name,
                wallets[f.company.id].share.wallet,
                f.won_window_spend,
                wallets[f.company.id].share.share,
                wallets[f.company.id].share.whitespace or 0.0,
                wallets[f.company.id].share.modeled,
            )
            for f in facts
        ),
        key=lambda a: (-a.whitespace, a.account_id),
    )
    units: list[UnitWhitespace] = []
    for a in accounts[:top_accounts]:
        if a.whitespace <= 0:
            continue
        view = store.account(a.account_id, visible=visible)
        if view is None:  # pragma: no cover - deleted between the two reads
            continue
        names = {u.id: u.name for u in view.business_units}
        money = in_reporting_currency(view.deals, view.wallet, rates, as_of)
        sow = share_of_wallet(
            a.account_id,
            money.deals,
            money.wallet,
            as_of,
            params,
            currency=rates.reporting,
            unconverted=money.unconverted,
        )
        for line in sow.by_unit:
            s = line.share
            if line.bu_id and s.wallet:
                units.append(
                    UnitWhitespace(
                        a.account_id,
                        a.name,
                        line.bu_id,
                        names.get(line.bu_id, line.bu_id),
                        s.wallet,
                        s.spend,
                        s.whitespace or 0.0,
                    )
                )
    units.sort(key=lambda u: (-u.whitespace, u.account_id, u.bu_id))
    channels = []
    for f in facts:
        w = wallets[f.company.id].share
        if not w.wallet or not f.spend_by_channel:
            continue
        shares = {
            (ch or NO_CHANNEL): amount / w.wallet
            for ch, amount in sorted(f.spend_by_channel.items())
            if amount > 0
        }
        if shares:
            channels.append(ChannelShare(f.company.id, f.company.name, w.wallet, w.modeled, shares))
    channels.sort(key=lambda c: (-c.total, c.account_id))
    return SowData(
        as_of,
        analysis,
        accounts[:top_accounts],
        units[:top_units],
        channels[:top_accounts],
        currency=rates.reporting,
        unconverted=[u for f in facts for u in f.unconverted],
    )


# -- fonts -------------------------------------------------------------------------------------


@functools.cache
def japanese_font() -> str | None:
    """The first Japanese-capable font matplotlib can use, or None (with a warning, once).

    Fonts installed after matplotlib built its font cache are found through fontconfig.
    """
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in JAPANESE_FONTS:
        if name in names:
            return name
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            found = subprocess.run(
                [fc_list, ":lang=ja", "file"],
                check=False,
                capture_output=True,
                text=True,
                timeout=20,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            found = ""
        for line in found.splitlines():
            path = line.split(":", 1)[0].strip()
            if path:
                with contextlib.suppress(OSError, RuntimeError, ValueError):
                    font_manager.fontManager.addfont(path)
        names = {f.name for f in font_manager.fontManager.ttflist}
        for name in JAPANESE_FONTS:
            if name in names:
                return name
    warnings.warn(
        "no Japanese font found for the charts (install fonts-noto-cjk); Japanese names will "
        "not render",
        RuntimeWarning,
        stacklevel=2,
    )
    return None


@contextmanager
def _style() -> Iterator[None]:
    jp = japanese_font()
    family = [jp, "DejaVu Sans"] if jp else ["DejaVu Sans"]
    with (
        rc_context(
            {
                "font.family": family,
                "axes.unicode_minus": False,
                "axes.spines.top": False,
                "axes.spines.right": False,
                "axes.titleweight": "bold",
                "axes.titlesize": 13,
                "font.size": 10,
            }
        ),
        warnings.catch_warnings(),
    ):
        if jp is None:
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        yield


# -- matplotlib charts -------------------------------------------------------------------------


def _money(value: float, _: object = None) -> str:
    return compact_amount(value)


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


def draw_ltv_share(ax: Axes, data: SowData) -> None:
    """The LTV x share-of-wallet scatter on ``ax``."""
    a = data.ltv
    ax.set_title(f"LTV × share of wallet (as of {data.as_of})")
    if not a.points:
        _empty(ax, "no account has both a lifetime value and a wallet")
        return
    biggest = max((p.whitespace for p in a.points), default=0.0) or 1.0

    def size(p: LtvPoint) -> float:
        return 30 + 900 * p.whitespace / biggest

    groups = (
        ("on trend", [p for p in a.points if not p.label], POINT_COLOR),
        ("above trend", [p for p in a.points if p.label and (p.residual_z or 0) > 0], ABOVE_COLOR),
        ("below trend", [p for p in a.points if p.label and (p.residual_z or 0) < 0], BELOW_COLOR),
    )
    for _, pts, color in groups:
        if not pts:
            continue
        ax.scatter(
            [p.ltv for p in pts],
            [p.share for p in pts],
            s=[size(p) for p in pts],
            c=color,
            alpha=0.6,
            edgecolors=[("#000000" if p.modeled else color) for p in pts],
            linewidths=[1.5 if p.modeled else 0.8 for p in pts],
        )
    ax.set_xscale("log")
    lo = min(p.ltv for p in a.points)
    hi = max(p.ltv for p in a.points)
    if a.slope is not None and a.intercept is not None:
        xs = [lo * (hi / lo) ** (i / 40) for i in range(41)] if hi > lo else [lo, hi]
        ax.plot(
            xs,
            [a.intercept + a.slope * math.log10(x) for x in xs],
            color=TREND_COLOR,
            linestyle="--",
            linewidth=1.2,
        )
    for p in a.outliers:
        ax.annotate(
            p.name,
            (p.ltv, p.share),
            xytext=(8, 6),
            textcoords="offset points",
            fontsize=9,
            color=ABOVE_COLOR if (p.residual_z or 0) > 0 else BELOW_COLOR,
        )
    ax.set_xlim(lo / 2, hi * 4)
    shares = [p.share for p in a.points]
    span = (max(shares) - min(shares)) or max(abs(max(shares)), 0.01)
    ax.set_ylim(min(0.0, *shares) - span * 0.08, max(shares) + span * 0.18)
    ax.xaxis.set_major_formatter(FuncFormatter(_money))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=1))
    ax.set_xlabel(data.money("lifetime value") + ", won spend to date, log scale")
    ax.set_ylabel("share of wallet (trailing year)")
    ax.grid(True, which="major", alpha=0.25)
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=8, color=color, alpha=0.7, label=name)
        for name, pts, color in groups
        if pts
    ]
    handles.append(Line2D([], [], color=TREND_COLOR, linestyle="--", label="trend (robust)"))
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markerfacecolor="none",
            markeredgecolor="#000000",
            label="modeled wallet",
        )
    )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=len(handles),
        fontsize=8,
        frameon=False,
        title="point area = whitespace",
        title_fontsize=8,
    )


def _barh(
    ax: Axes, labels: Sequence[str], values: Sequence[float], color: str, title: str, xlabel: str
) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, values, color=color)
    ax.set_yticks(ys, labels=list(labels), fontsize=9)
    ax.xaxis.set_major_formatter(FuncFormatter(_money))
    top = max(values, default=0.0) or 1.0
    for y, v in zip(ys, values, strict=True):
        ax.text(v + top * 0.01, y, compact_amount(v), va="center", fontsize=8)
    ax.set_xlim(0, top * 1.15)
    ax.grid(True, axis="x", alpha=0.25)


def draw_whitespace_accounts(ax: Axes, data: SowData) -> None:
    """Whitespace by account (the largest first)."""
    rows = [a for a in data.accounts if a.whitespace > 0]
    if not rows:
        ax.set_title("Whitespace by account")
        _empty(ax, "no whitespace: no account has a known wallet above its spend")
        return
    _barh(
        ax,
        [a.name + (" (modeled)" if a.modeled else "") for a in rows],
        [a.whitespace for a in rows],
        BAR_COLOR,
        "Whitespace by account",
        data.money("whitespace"),
    )


def draw_whitespace_units(ax: Axes, data: SowData) -> None:
    """Whitespace by business unit (of the accounts with the most whitespace)."""
    rows = [u for u in data.units if u.whitespace > 0]
    if not rows:
        ax.set_title("Whitespace by business unit")
        _empty(ax, "no business unit has a wallet estimate above its spend")
        return
    _barh(
        ax,
        [f"{u.account_name} · {u.name}" for u in rows],
        [u.whitespace for u in rows],
        UNIT_COLOR,
        "Whitespace by business unit",
        data.money("whitespace"),
    )


def draw_channel_share(ax: Axes, data: SowData) -> None:
    """Per account, the share of wallet won through each channel (stacked)."""
    ax.set_title("Share of wallet by channel")
    rows = data.channels
    if not rows:
        _empty(ax, "no won spend in the trailing year")
        return
    names = data.channel_names
    ys = list(range(len(rows)))[::-1]
    left = [0.0] * len(rows)
    for i, ch in enumerate(names):
        values = [r.shares.get(ch, 0.0) for r in rows]
        ax.barh(ys, values, left=left, color=CHANNEL_COLORS[i % len(CHANNEL_COLORS)], label=ch)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(ys, labels=[r.name for r in rows], fontsize=9)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=1))
    top = max(left, default=0.0) or 1.0
    for y, v in zip(ys, left, strict=True):
        ax.text(v + top * 0.01, y, f"{v:.1%}", va="center", fontsize=8)
    ax.set_xlim(0, top * 1.2)
    ax.set_xlabel("won spend in the trailing year / wallet")
    ax.grid(True, axis="x", alpha=0.25)
    ax.legend(loc="lower right", fontsize=8, title="channel", title_fontsize=8)


def sow_figure(data: SowData) -> Figure:
    """The four charts in one figure (2 x 2)."""
    fig = Figure(figsize=(16, 11), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2)
    draw_ltv_share(axes[0][0], data)
    draw_whitespace_accounts(axes[0][1], data)
    draw_whitespace_units(axes[1][0], data)
    draw_channel_share(axes[1][1], data)
    in_currency = f" (amounts in {data.currency})" if data.currency else ""
    fig.suptitle(
        f"Portfolio share of wallet — as of {data.as_of}{in_currency}",
        fontsize=15,
        fontweight="bold",
    )
    if (note := data.left_out_note) is not None:
        fig.supxlabel(note, fontsize=10, color=BELOW_COLOR)
    return fig


def sow_png(data: SowData, *, dpi: int = 100) -> bytes:
    """The four charts as one PNG."""
    with _style():
        fig = sow_figure(data)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


# -- the interactive page ----------------------------------------------------------------------

_W, _H = 760, 460
_M = {"left": 70, "right": 24, "top": 20, "bottom": 50}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _nice_pct(value: float) -> str:
    return f"{value:.1%}"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 x 10^k).

    >>> nice_ticks(0.0, 0.022)
    [0.0, 0.005, 0.01, 0.015, 0.02]
    """
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    k = first
    while k * step <= hi + 1e-12:
        ticks.append(round(k * step, 12))
        k += 1
    return ticks


def _svg_scatter(data: SowData) -> str:
    a = data.ltv
    if not a.points:
        return '<p class="empty">No account has both a lifetime value and a wallet.</p>'
    lo = min(p.ltv for p in a.points)
    hi = max(p.ltv for p in a.points)
    lx0, lx1 = math.log10(lo) - 0.3, math.log10(hi) + 0.3
    shares = [p.share for p in a.points]
    ymax = max(*shares, 0.001) * 1.15
    ymin = min(0.0, *shares)
    pw = _W - _M["left"] - _M["right"]
    ph = _H - _M["top"] - _M["bottom"]

    def sx(v: float) -> float:
        return _M["left"] + (math.log10(v) - lx0) / (lx1 - lx0) * pw

    def sy(v: float) -> float:
        return _M["top"] + (1 - (v - ymin) / (ymax - ymin)) * ph

    out = [
        f'<svg id="ltv-share" class="chart" viewBox="0 0 {_W} {_H}" role="img" '
        'aria-label="LTV by share of wallet">'
    ]
    for k in range(math.ceil(lx0), math.floor(lx1) + 1):
        x = sx(10.0**k)
        out.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{_M["top"]}" '
            f'y2="{_H - _M["bottom"]}"/><text class="tick" x="{x:.1f}" '
            f'y="{_H - _M["bottom"] + 16}" text-anchor="middle">'
            f"{_e(compact_amount(10.0**k))}</text>"
        )
    for v in nice_ticks(ymin, ymax):
        y = sy(v)
        out.append(
            f'<line class="grid" x1="{_M["left"]}" x2="{_W - _M["right"]}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/><text class="tick" x="{_M["left"] - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{_e(_nice_pct(v))}</text>'
        )
    out.append(
        f'<text class="axis" x="{_M["left"] + pw / 2}" y="{_H - 8}" text-anchor="middle">'
        f"{_e(data.money('lifetime value'))}, won spend to date, log scale</text>"
        f'<text class="axis" transform="translate(16 {_M["top"] + ph / 2}) rotate(-90)" '
        'text-anchor="middle">share of wallet (trailing year)</text>'
    )
    if a.slope is not None and a.intercept is not None:
        pts = []
        for i in range(41):
            lx = lx0 + (lx1 - lx0) * i / 40
            v = a.intercept + a.slope * lx
            if ymin <= v <= ymax:
                pts.append(f"{sx(10.0**lx):.1f},{sy(v):.1f}")
        if len(pts) > 1:
            out.append(
                f'<polyline class="trend" points="{" ".join(pts)}" '
                f'data-tip="trend (robust): share = {a.intercept:.4f} + '
                f'{a.slope:.4f} × log10 LTV"/>'
            )
    biggest = max((p.whitespace for p in a.points), default=0.0) or 1.0
    cur = f" {data.currency}" if data.currency else ""
    for p in sorted(a.points, key=lambda p: -p.whitespace):
        r = 5 + 28 * math.sqrt(p.whitespace / biggest)
        kind = "above" if p.label and (p.residual_z or 0) > 0 else "below" if p.label else "on"
        tip = "\n".join(
            [
                p.name,
                f"LTV {p.ltv:,.0f}{cur}",
                f"share of wallet {p.share:.2%}",
                f"wallet {p.wallet:,.0f}{cur}{' (modeled)' if p.modeled else ''}",
                f"whitespace {p.whitespace:,.0f}{cur}",
                *([f"{p.label} (z = {p.residual_z:.1f})"] if p.label else []),
            ]
        )
        out.append(
            f'<circle class="pt {kind}{" modeled" if p.modeled else ""}" '
            f'cx="{sx(p.ltv):.1f}" cy="{sy(p.share):.1f}" r="{r:.1f}" '
            f'data-id="{_e(p.account_id)}" data-tip="{_e(tip)}"/>'
        )
    for p in a.outliers:
        kind = "above" if (p.residual_z or 0) > 0 else "below"
        r = 5 + 28 * math.sqrt(p.whitespace / biggest)
        x = sx(p.ltv)
        right_half = x > _M["left"] + pw * 0.6
        out.append(
            f'<text class="label {kind}" x="{x - r - 4 if right_half else x + r + 4:.1f}" '
            f'y="{sy(p.share) + 4:.1f}" text-anchor="{"end" if right_half else "start"}">'
            f"{_e(p.name)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _svg_bars(
    chart_id: str,
    rows: Sequence[tuple[str, list[tuple[str, float, str]]]],
    fmt: Any,
    colors: dict[str, str],
) -> str:
    """Horizontal (stacked) bars: rows of (label, [(series, value, tooltip)])."""
    if not rows:
        return '<p class="empty">Nothing to show.</p>'
    label_w, bar_h, gap = 300, 22, 8
    height = _M["top"] + len(rows) * (bar_h + gap) + 30
    top = max((sum(v for _, v, _ in segs) for _, segs in rows), default=0.0) or 1.0
    pw = _W - label_w - 90
    out = [
        f'<svg id="{chart_id}" class="chart" viewBox="0 0 {_W} {height}" role="img" '
        f'aria-label="{chart_id}">'
    ]
    for i, (label, segs) in enumerate(rows):
        y = _M["top"] + i * (bar_h + gap)
        short = label if len(label) <= 40 else label[:39] + "…"
        out.append(
            f'<text class="tick" x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" '
            f'text-anchor="end">{_e(short)}<title>{_e(label)}</title></text>'
        )
        x = float(label_w)
        for series, value, tip in segs:
            w = value / top * pw
            out.append(
                f'<rect class="bar" x="{x:.1f}" y="{y}" width="{max(w, 0.5):.1f}" '
                f'height="{bar_h}" fill="{colors.get(series, BAR_COLOR)}" '
                f'data-tip="{_e(tip)}"/>'
            )
            x += w
        total = sum(v for _, v, _ in segs)
        out.append(
            f'<text class="value" x="{x + 6:.1f}" y="{y + bar_h * 0.7:.1f}">{_e(fmt(total))}</text>'
        )
    out.append("</svg>")
    return "".join(out)


_PAGE_CSS = """
body { margin: 0; padding: 20px 28px; font-family: FONTS; color: #1f2933; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 22px 0 6px; }
.sub { color: #52606d; font-size: 13px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(620px, 1fr)); gap: 18px; }
.card { border: 1px solid #d9e2ec; border-radius: 8px; padding: 8px 14px 12px; }
svg.chart { width: 100%; height: auto; font-family: FONTS; font-size: 12px; }
svg .grid { stroke: #e4e7eb; } svg .tick { fill: #52606d; } svg .axis { fill: #323f4b; }
svg .trend { fill: none; stroke: #555; stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .pt { fill: #4c78a8; fill-opacity: .55; stroke: #4c78a8; }
svg .pt.above { fill: #1b9e77; stroke: #1b9e77; } svg .pt.below { fill: #d95f02; stroke: #d95f02; }
svg .pt.modeled { stroke: #000; stroke-width: 1.5; }
svg .pt:hover, svg .bar:hover { fill-opacity: .9; stroke: #000; stroke-width: 2; }
svg .label { font-size: 12px; font-weight: 600; } svg .label.above { fill: #1b9e77; }
svg .label.below { fill: #d95f02; } svg .value { fill: #323f4b; font-size: 11px; }
.legend span { display: inline-flex; align-items: center; gap: 4px; margin-right: 12px;
  font-size: 12px; } .legend i { width: 12px; height: 12px; border-radius: 2px; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e4e7eb; text-align: right; }
th { cursor: pointer; background: #f5f7fa; position: sticky; top: 0; }
th:first-child, td:first-child, th:last-child, td:last-child { text-align: left; }
#tip { position: fixed; pointer-events: none; display: none; white-space: pre-line;
  background: rgba(31,41,51,.94); color: #fff; padding: 6px 9px; border-radius: 5px;
  font-size: 12px; max-width: 360px; z-index: 10; }
.empty { color: #7b8794; } .warn { color: #d95f02; }
"""

_PAGE_JS = """
(function () {
  "use strict";
  window.abmErrors = window.abmErrors || [];
  var tip = document.getElementById("tip");
  document.addEventListener("mousemove", function (e) {
    var t = e.target.closest ? e.target.closest("[data-tip]") : null;
    if (!t) { tip.style.display = "none"; return; }
    tip.textContent = t.getAttribute("data-tip");
    tip.style.display = "block";
    tip.style.left = Math.min(e.clientX + 14, window.innerWidth - 370) + "px";
    tip.style.top = (e.clientY + 14) + "px";
  });
  document.querySelectorAll("table.sortable th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = th.closest("table").tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var asc = th.dataset.dir !== "asc";
      th.dataset.dir = asc ? "asc" : "desc";
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
        var nx = Number(x), ny = Number(y), c;
        if (x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny)) { c = nx - ny; }
        else { c = String(x).localeCompare(String(y)); }
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var status = document.getElementById("abm-status");
  status.dataset.points = document.querySelectorAll("#ltv-share circle.pt").length;
  status.dataset.bars = document.querySelectorAll("svg rect.bar").length;
  status.dataset.errors = window.abmErrors.length;
  status.dataset.ready = "1";
})();
"""

_ERRORS_JS = """
window.abmErrors = [];
window.addEventListener("error", function (e) { window.abmErrors.push(String(e.message || e)); });
"""


def sow_html(data: SowData) -> str:
    """The four charts as one self-contained interactive page (inline SVG, no network)."""
    scatter = _svg_scatter(data)
    cur = f" {data.currency}" if data.currency else ""
    acct_rows = [
        (
            a.name,
            [
                (
                    "whitespace",
                    a.whitespace,
                    f"{a.name}\nwhitespace {a.whitespace:,.0f}{cur}\nwallet "
                    f"{(a.wallet or 0):,.0f}{cur}{' (modeled)' if a.modeled else ''}\n"
                    f"spend in the trailing year {a.spend:,.0f}{cur}",
                )
            ],
        )
        for a in data.accounts
        if a.whitespace > 0
    ]
    unit_rows = [
        (
            f"{u.account_name} · {u.name}",
            [
                (
                    "unit",
                    u.whitespace,
                    f"{u.account_name} · {u.name}\nwhitespace {u.whitespace:,.0f}{cur}\n"
                    f"wallet {u.wallet:,.0f}{cur}\n"
                    f"spend in the trailing year {u.spend:,.0f}{cur}",
                )
            ],
        )
        for u in data.units
        if u.whitespace > 0
    ]
    names = data.channel_names
    colors = {n: CHANNEL_COLORS[i % len(CHANNEL_COLORS)] for i, n in enumerate(names)}
    channel_rows = [
        (
            c.name,
            [
                (
                    ch,
                    c.shares[ch],
                    f"{c.name} · {ch}\n{c.shares[ch]:.2%} of a wallet of {c.wallet:,.0f}{cur}"
                    + (" (modeled)" if c.modeled else ""),
                )
                for ch in names
                if ch in c.shares
            ],
        )
        for c in data.channels
    ]
    legend = "".join(f'<span><i style="background:{colors[n]}"></i>{_e(n)}</span>' for n in names)
    table_rows = []
    for p in sorted(data.ltv.points, key=lambda p: -p.whitespace):
        table_rows.append(
            "<tr>"
            f'<td data-v="{_e(p.name)}">{_e(p.name)}</td>'
            f'<td data-v="{p.ltv}">{p.ltv:,.0f}</td>'
            f'<td data-v="{p.share}">{p.share:.2%}</td>'
            f'<td data-v="{p.wallet}">{p.wallet:,.0f}{" (modeled)" if p.modeled else ""}</td>'
            f'<td data-v="{p.whitespace}">{p.whitespace:,.0f}</td>'
            f'<td data-v="{p.residual_z if p.residual_z is not None else ""}">'
            f"{'' if p.residual_z is None else f'{p.residual_z:.1f}'}</td>"
            f'<td data-v="{_e(p.label or "")}">{_e(p.label or "")}</td>'
            "</tr>"
        )
    summary = {
        "as_of": data.as_of.isoformat(),
        "points": len(data.ltv.points),
        "outliers": [p.account_id for p in data.ltv.outliers],
        "currency": data.currency,
        "unconverted": [u._asdict() for u in data.unconverted],
    }
    in_currency = f"amounts in {data.currency}" if data.currency else "no amounts"
    heading_cur = f" ({data.currency})" if data.currency else ""
    note = data.left_out_note
    left_out = f'\n<div class="sub warn">{_e(note)}</div>' if note else ""
    css = _PAGE_CSS.replace("FONTS", FONT_STACK)
    trend = (
        f"trend: share = {data.ltv.intercept:.4f} + {data.ltv.slope:.4f} × log10 LTV"
        if data.ltv.slope is not None and data.ltv.intercept is not None
        else "too few accounts for a trend (4 needed)"
    )
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portfolio share of wallet — {_e(data.as_of)}</title>
<script>{_ERRORS_JS}</script>
<style>{css}</style>
</head>
<body>
<h1>Portfolio share of wallet</h1>
<div class="sub">as of {_e(data.as_of)} · {_e(in_currency)} ·
hover a point or bar for details</div>{left_out}
<div class="grid2">
<div class="card"><h2>LTV × share of wallet</h2>
<div class="sub legend"><span><i style="background:{POINT_COLOR}"></i>on trend</span>
<span><i style="background:{ABOVE_COLOR}"></i>above trend</span>
<span><i style="background:{BELOW_COLOR}"></i>below trend</span>
<span>point area = whitespace · black ring = modeled wallet · {_e(trend)}</span></div>
{scatter}</div>
<div class="card"><h2>Whitespace by account{_e(heading_cur)}</h2>
{_svg_bars("whitespace-accounts", acct_rows, compact_amount, {"whitespace": BAR_COLOR})}</div>
<div class="card"><h2>Whitespace by business unit{_e(heading_cur)}</h2>
{_svg_bars("whitespace-units", unit_rows, compact_amount, {"unit": UNIT_COLOR})}</div>
<div class="card"><h2>Share of wallet by channel</h2>
<div class="legend">{legend}</div>
{_svg_bars("channel-share", channel_rows, _nice_pct, colors)}</div>
</div>
<h2>Accounts on the LTV × share plane</h2>
<table class="sortable"><thead><tr><th>account</th><th>{_e(data.money("LTV"))}</th><th>share</th>
<th>{_e(data.money("wallet"))}</th><th>{_e(data.money("whitespace"))}</th><th>z</th><th>pattern</th>
</tr></thead>
<tbody>{"".join(table_rows)}</tbody></table>
<div id="tip"></div>
<div id="abm-status" hidden data-ready="0"></div>
<script id="abm-data" type="application/json">{script_json(summary)}</script>
<script>{_PAGE_JS}</script>
</body>
</html>
"""
