"""Figures of one authority's profile: a radar and a dot plot of its levels against the peer
and England medians, and its trajectory across rounds.

Inputs are the tidy frames of `ehdmm.analysis.profile` (`comparison`, `trajectory`).
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ehdmm.charts import theme
from ehdmm.charts.radar_labels import RADAR_RANGE, ring_labels
from ehdmm.disclosure import SUPPRESSED
from ehdmm.model import Model
from ehdmm.tables import INCOMPLETE

ITEM_WORDS = {"dimension": "dimension", "strand": "strand"}


def wrap_label(text: str, width: int = 18) -> str:
    """A label broken over lines (``<br>``) of about `width` characters."""
    return "<br>".join(textwrap.wrap(text, width)) or text


def _values(series: pd.Series) -> list[float | None]:
    """Plain floats with None for missing (plotly leaves a gap)."""
    return [None if pd.isna(v) else float(v) for v in series]


def _levels(series: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in series]


def _median_words(value: float | None) -> str:
    return "no levels" if value is None else f"median {value:g}"


OWN_STYLE = {
    "line": {"color": theme.HIGHLIGHT, "width": 3},
    "marker": {"color": theme.HIGHLIGHT, "size": 9, "symbol": "circle"},
    "fill": "rgba(217, 95, 2, 0.12)",
}
PEER_STYLE = {
    "line": {"color": theme.PEER_COLOUR, "width": 2, "dash": "dash"},
    "marker": {"color": theme.PEER_COLOUR, "size": 7, "symbol": "diamond"},
    "fill": "",
}
ENGLAND_STYLE = {
    "line": {"color": theme.ENGLAND_COLOUR, "width": 1.5, "dash": "dot"},
    "marker": {"color": theme.ENGLAND_COLOUR, "size": 6, "symbol": "square"},
    "fill": "",
}


def legend_on_top(
    layout: dict, *, height: int, rows: int = 3, gap: int = 8, subtitle_lines: int = 1
) -> dict:
    """Move the legend (one entry a row) between the subtitle and the plot (`gap` px above
    it), so that a long legend never runs into the source note at the foot."""
    top = 92 + 18 * (subtitle_lines - 1) + 21 * rows + gap
    plot_height = max(100, height - top - layout["margin"]["b"])
    return theme.merge(
        layout,
        {
            "margin": {"t": top},
            "title": {"yref": "container", "y": 1 - 16 / height, "yanchor": "top"},
            "legend": {
                "orientation": "v",
                "yanchor": "bottom",
                "y": 1 + gap / plot_height,
                "x": 0,
                "xanchor": "left",
            },
        },
    )


def legend_names(
    authority_name: str, peers_label: str, n: int | None, england_n: int | None
) -> tuple[str, str, str]:
    """Legend names of the authority, peer median and England median traces."""
    return (
        authority_name,
        f"{peers_label} median (n = {_n_text(n)})",
        f"England median (n = {_n_text(england_n)})",
    )


def _subtitle_groups(
    round_id: str, peers_label: str, n: int | None, england_n: int | None, peers_are_england: bool
) -> str:
    """The subtitle's first line: the round and the groups compared, with their n (England
    once when it is the peer group)."""
    if peers_are_england:
        return f"Round {round_id} · England (n = {_n_text(england_n)})"
    return (
        f"Round {round_id} · {peers_label} (n = {_n_text(n)}) and England "
        f"(n = {_n_text(england_n)})"
    )


def _n_text(n: int | None) -> str:
    return SUPPRESSED if n is None else str(n)


def _words(values: pd.DataFrame, prefix: str) -> list[str]:
    """Hover words of a median trace: 'median 2.5', 'no levels' or 'suppressed'."""
    flags = values.get(f"{prefix}_suppressed")
    medians = _values(values[f"{prefix}_median"])
    return [
        SUPPRESSED if flags is not None and bool(flags.iloc[i]) else _median_words(v)
        for i, v in enumerate(medians)
    ]


def _notes_line(peers_label: str, peer_note: str | None, england_note: str | None) -> str:
    """A subtitle line saying which medians are suppressed (instead of their traces)."""
    parts = []
    if peer_note:
        parts.append(f"{peers_label} median: {peer_note}")
    if england_note:
        parts.append(f"England median: {england_note}")
    return " · ".join(parts)


def _items_word(values: pd.DataFrame, model: Model) -> str:
    return "dimension" if set(values["item_id"]) <= set(model.dimension_ids) else "strand"


def radar(
    values: pd.DataFrame,
    model: Model,
    *,
    round_id: str,
    n: int,
    rule: str,
    authority_name: str,
    peers_label: str,
    england_n: int | None,
    peer_note: str | None = None,
    england_note: str | None = None,
    peers_are_england: bool = False,
) -> go.Figure:
    """Radar of the authority's levels per item (dimension or strand) against the peer-group
    and England medians. `values` is `analysis.profile.comparison` (or `comparison_from`);
    `n` is the number of peer members with a submission, `england_n` the number of
    authorities with one. A median whose note is given (e.g. 'Suppressed: fewer than 5 other
    authorities') is left out and the note written in its place. `peers_are_england`: the
    peer group is England, whose median is drawn once."""
    if peers_are_england:
        peer_note = None
    peers_label = theme.rich(peers_label)  # a custom group's name is user text
    theta = list(values["item_name"])
    own = _levels(values["level"])
    own_names = list(values["level_name"])
    peer = _values(values["peer_median"])
    england = _values(values["england_median"])
    own_name, peer_name, england_name = legend_names(authority_name, peers_label, n, england_n)
    traces: list[dict] = []
    series = [
        (england_name, england, ENGLAND_STYLE, _words(values, "england"), england_note),
        (peer_name, peer, PEER_STYLE, _words(values, "peer"), peer_note),
        (own_name, own, OWN_STYLE, own_names, None),
    ]
    if peers_are_england:
        series.pop(1)
    for name, r, style, words, note in series:
        if note:
            continue
        complete = all(v is not None for v in r)
        trace = {
            "type": "scatterpolar",
            "r": r,
            "theta": theta,
            "name": name,
            "legendgroup": name,
            "mode": "lines+markers",
            "text": words,
            "hovertemplate": "%{theta}: %{text}<extra>" + name + "</extra>",
            "line": style["line"],
            "marker": style["marker"],
            "fill": "toself" if style["fill"] and complete else "none",
            "connectgaps": False,
        }
        if style["fill"]:
            trace["fillcolor"] = style["fill"]
        traces.append(trace)
        # The line back from the last axis to the first closes the shape (a separate trace, so
        # that the named trace holds exactly one value per axis).
        if len(r) > 2:
            traces.append(
                {
                    "type": "scatterpolar",
                    "r": [r[-1], r[0]],
                    "theta": [theta[-1], theta[0]],
                    "name": f"{name} (closing line)",
                    "legendgroup": name,
                    "showlegend": False,
                    "mode": "lines",
                    "hoverinfo": "skip",
                    "line": style["line"],
                    "connectgaps": False,
                }
            )
    ticks = theme.level_ticks(model)
    shown_lines = [r for _, r, _, _, note in series if not note]
    # the rings are numbered, their names in the subtitle: a name at the rim runs into the
    # axis names beside it on a small radar (a phone, a half-width column)
    rings = [str(v) for v in ticks["tickvals"]]
    angle, side = ring_labels(shown_lines, ticks["tickvals"], rings)
    layout = {
        "polar": {
            "radialaxis": {
                "range": list(RADAR_RANGE),
                "tickvals": ticks["tickvals"],
                "ticktext": rings,
                # between two neighbouring axes, clear of the axis names and of the data lines
                "angle": angle,
                "tickangle": angle,
                "side": side,
                # a white halo keeps a label legible where no placement clears every line
                "tickfont": {"shadow": "0px 0px 2px #ffffff, 0px 0px 3px #ffffff"},
                "gridcolor": "#d9d9d9",
                "linecolor": "#bdbdbd",
            },
            "angularaxis": {
                "direction": "clockwise",
                "rotation": 90,
                "categoryorder": "array",
                "categoryarray": theta,
                # the names as in the model, broken over lines so that they fit
                "tickmode": "array",
                "tickvals": theta,
                "ticktext": [wrap_label(name) for name in theta],
                "gridcolor": "#d9d9d9",
                "showline": True,
                "linecolor": "#9e9e9e",
            },
            "bgcolor": "#ffffff",
        },
    }
    word = _items_word(values, model)
    missing = [name for name, level in zip(theta, own, strict=True) if level is None]
    subtitle = _subtitle_groups(round_id, peers_label, n, england_n, peers_are_england)
    subtitle += "<br>Rings: " + ", ".join(ticks["ticktext"])
    lines = 2
    notes = _notes_line(peers_label, peer_note, england_note)
    if notes:
        subtitle += f"<br>{notes}"
        lines += 1
    if missing:
        subtitle += f"<br>{INCOMPLETE}: {', '.join(missing)}"
        lines += 1
    height = 680
    theme.styled(
        layout,
        title=f"{authority_name}: level by {word}",
        subtitle=subtitle,
        note=theme.source_note(round_id, n, rule),
        height=height,
    )
    theme.merge(
        layout,
        {"margin": {"l": 95, "r": 95}, "polar": {"angularaxis": {"tickfont": {"size": 12}}}},
    )
    shown = len(series) - sum(1 for note in (peer_note, england_note) if note)
    legend_on_top(layout, height=height, rows=shown, gap=45, subtitle_lines=lines)
    return theme.figure(traces, layout)


def dot_plot(
    values: pd.DataFrame,
    model: Model,
    *,
    round_id: str,
    n: int,
    rule: str,
    authority_name: str,
    peers_label: str,
    england_n: int | None,
    peer_note: str | None = None,
    england_note: str | None = None,
    peers_are_england: bool = False,
) -> go.Figure:
    """The radar's values as a horizontal dot plot: one row per item, the authority's level
    (labelled with its name), the peer median and the England median (each left out, with its
    note written instead, when a note is given; the peer median also when the peer group is
    England, `peers_are_england`)."""
    if peers_are_england:
        peer_note = None
    peers_label = theme.rich(peers_label)  # a custom group's name is user text
    items = list(values["item_name"])
    own = _levels(values["level"])
    own_name, peer_name, england_name = legend_names(authority_name, peers_label, n, england_n)
    traces: list[dict] = []
    medians = (
        ("england", england_name, england_note, 20, "line-ns-open", 3, theme.ENGLAND_COLOUR),
        ("peer", peer_name, peer_note, 13, "diamond-open", 2, theme.PEER_COLOUR),
    )[: 1 if peers_are_england else 2]
    for prefix, name, note, size, symbol, width, colour in medians:
        if note:
            continue
        traces.append(
            {
                "type": "scatter",
                "x": _values(values[f"{prefix}_median"]),
                "y": items,
                "name": name,
                "mode": "markers",
                "text": _words(values, prefix),
                "hovertemplate": "%{y}: %{text}<extra>" + name + "</extra>",
                "marker": {
                    "color": colour,
                    "size": size,
                    "symbol": symbol,
                    "line": {"width": width, "color": colour},
                },
            }
        )
    traces.append(
        {
            "type": "scatter",
            "x": own,
            "y": items,
            "name": own_name,
            "mode": "markers+text",
            "text": list(values["level_name"]),
            "textposition": "top center",
            "textfont": {"color": theme.HIGHLIGHT},
            "hovertemplate": "%{y}: %{text}<extra>" + own_name + "</extra>",
            "marker": {"color": theme.HIGHLIGHT, "size": 13, "symbol": "circle"},
        }
    )
    missing = [item for item, level in zip(items, own, strict=True) if level is None]
    if missing:
        traces.append(
            {
                "type": "scatter",
                "x": [0.55] * len(missing),
                "y": missing,
                "name": f"{own_name}: {INCOMPLETE}",
                "mode": "text",
                "text": [INCOMPLETE] * len(missing),
                "textposition": "middle right",
                "textfont": {"color": theme.HIGHLIGHT},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    ticks = theme.level_ticks(model)
    layout = {
        "xaxis": {
            "range": [0.5, 4.5],
            # numbers at the ticks, named in the axis title: four names side by side do not
            # fit a half-width column or a phone (each dot is labelled with its level's name)
            "tickvals": ticks["tickvals"],
            "ticktext": [str(v) for v in ticks["tickvals"]],
            "tickangle": 0,
            "title": {"text": "Level: " + ", ".join(ticks["ticktext"])},
            "showgrid": True,
            "gridcolor": "#e5e5e5",
            "zeroline": False,
        },
        "yaxis": {
            "categoryorder": "array",
            "categoryarray": items,
            "tickmode": "array",
            "tickvals": items,
            "ticktext": [wrap_label(item, 24) for item in items],
            "autorange": "reversed",
            "automargin": False,
            "showgrid": True,
            "gridcolor": "#f0f0f0",
        },
    }
    word = _items_word(values, model)
    height = max(460, 62 * len(items) + 300)
    subtitle = _subtitle_groups(round_id, peers_label, n, england_n, peers_are_england)
    notes = _notes_line(peers_label, peer_note, england_note)
    if notes:
        subtitle += f"<br>{notes}"
    theme.styled(
        layout,
        title=f"{authority_name}: {word} levels and medians",
        subtitle=subtitle,
        note=theme.source_note(round_id, n, rule),
        height=height,
    )
    theme.merge(layout, {"margin": {"l": 180}})
    shown = 1 + len(medians) - sum(1 for note in (peer_note, england_note) if note)
    legend_on_top(layout, height=height, rows=shown, subtitle_lines=2 if notes else 1)
    return theme.figure(traces, layout)


def trajectory_chart(
    traj: pd.DataFrame,
    model: Model,
    *,
    round_id: str | None,
    n: int | None,
    rule: str,
    authority_name: str,
    mode: str = "overall",
) -> go.Figure:
    """The authority's levels per round: the overall level (level axis) and the maturity index
    (own axis), or (`mode="strands"`) one small line chart per strand. Rounds without a
    submission are gaps marked "no submission". `traj` is `analysis.profile.trajectory`."""
    if mode == "strands":
        return strand_trajectory_chart(
            traj, model, round_id=round_id, n=n, rule=rule, authority_name=authority_name
        )
    rounds = list(traj["round_id"])
    names = model.level_names
    overall = _levels(traj["overall"])
    traces = [
        {
            "type": "scatter",
            "x": rounds,
            "y": overall,
            "name": "Overall level",
            # the level's name on the axis and in the hover (written under each point, the
            # names run into each other where rounds are close together, as on a phone)
            "mode": "lines+markers",
            "text": [None if v is None else names[v] for v in overall],
            "hovertemplate": "%{x}: overall %{text}<extra></extra>",
            "line": {"color": theme.HIGHLIGHT, "width": 3},
            "marker": {"color": theme.HIGHLIGHT, "size": 10},
            "connectgaps": False,
        },
        {
            "type": "scatter",
            "x": rounds,
            "y": _values(traj["index"]),
            "name": "Maturity index (right axis)",
            "mode": "lines+markers",
            "yaxis": "y2",
            "hovertemplate": "%{x}: maturity index %{y:.2f}<extra></extra>",
            "line": {"color": theme.PEER_COLOUR, "width": 2, "dash": "dash"},
            "marker": {"color": theme.PEER_COLOUR, "size": 8, "symbol": "diamond"},
            "connectgaps": False,
        },
    ]
    ticks = theme.level_ticks(model)
    layout = {
        "yaxis": {
            "range": [0.5, 4.5],
            "tickvals": ticks["tickvals"],
            "ticktext": ticks["ticktext"],
            "title": {"text": "Overall level"},
            "gridcolor": "#e5e5e5",
            "zeroline": False,
        },
        "yaxis2": {
            "title": {"text": "Maturity index (mean of dimension levels)"},
            "overlaying": "y",
            "side": "right",
            "range": [0.5, 4.5],
            "tickvals": [1, 1.5, 2, 2.5, 3, 3.5, 4],
            "showgrid": False,
            "zeroline": False,
        },
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": rounds},
        "annotations": _gap_notes(traj, "x", "y", levels=overall),
    }
    title = f"{authority_name}: overall level and maturity index"
    _style_trajectory(layout, traj, round_id, n, rule, title, 480)
    return theme.figure(traces, layout)


def strand_trajectory_chart(
    traj: pd.DataFrame,
    model: Model,
    *,
    round_id: str | None,
    n: int | None,
    rule: str,
    authority_name: str,
) -> go.Figure:
    """One small line chart per strand (shared rounds axis) of the authority's strand levels."""
    rounds = list(traj["round_id"])
    names = model.level_names
    strands = model.strands
    fig = make_subplots(
        rows=len(strands),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[strand.name for strand in strands],
        vertical_spacing=0.35 / len(strands),
    )
    ticks = theme.level_ticks(model)
    for number, strand in enumerate(strands):
        levels = _levels(traj[strand.id])
        fig.add_trace(
            go.Scatter(
                x=rounds,
                y=levels,
                name=strand.name,
                mode="lines+markers+text",
                text=[None if v is None else names[v] for v in levels],
                textposition="middle right",
                textfont={"color": theme.HIGHLIGHT, "size": 11},
                hovertemplate="%{x}: %{text}<extra>" + strand.name + "</extra>",
                line={"color": theme.HIGHLIGHT, "width": 2},
                marker={"color": theme.HIGHLIGHT, "size": 8},
                connectgaps=False,
                showlegend=False,
            ),
            row=number + 1,
            col=1,
        )
        axis = "" if number == 0 else str(number + 1)
        theme.add_notes(fig, _gap_notes(traj, f"x{axis}", f"y{axis}", levels=levels))
    fig.update_yaxes(
        range=[0.5, 4.5],
        tickvals=ticks["tickvals"],
        ticktext=ticks["ticktext"],
        gridcolor="#e5e5e5",
        zeroline=False,
        tickfont={"size": 10},
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=rounds)
    fig.update_annotations(font={"size": 12})
    return _finish_trajectory(
        fig, traj, round_id, n, rule, f"{authority_name}: strand levels", 150 * len(strands) + 190
    )


def _gap_notes(
    traj: pd.DataFrame,
    xref: str,
    yref: str,
    levels: list[int | None] | None = None,
) -> list[dict]:
    """ "no submission" (or "incomplete") written where a round has no level: annotations."""
    return [
        {
            "x": round_name,
            "y": 0.5,
            "xref": xref,
            "yref": f"{yref} domain",
            "text": "no submission" if not done else INCOMPLETE,
            "showarrow": False,
            "font": {"size": 11, "color": "#505050"},
        }
        for position, (round_name, done) in enumerate(
            zip(traj["round_id"], traj["submitted"], strict=True)
        )
        if not done or (levels is not None and levels[position] is None)
    ]


def _trajectory_text(
    traj: pd.DataFrame, round_id: str | None, n: int | None, rule: str
) -> tuple[str, str]:
    """(subtitle, source note) of a trajectory chart."""
    rounds = list(traj["round_id"])
    span = f"{rounds[0]} to {rounds[-1]}" if rounds else ""
    submitted = int(traj["submitted"].sum())
    subtitle = f"{submitted} of {len(rounds)} rounds with a submission, {span}"
    if round_id:
        subtitle += f" · selected round {round_id}"
    return subtitle, theme.source_note(span or None, n, rule)


def _style_trajectory(
    layout: dict,
    traj: pd.DataFrame,
    round_id: str | None,
    n: int | None,
    rule: str,
    title: str,
    height: int,
) -> dict:
    subtitle, note = _trajectory_text(traj, round_id, n, rule)
    return theme.styled(
        layout, title=f"{title} by round", subtitle=subtitle, note=note, height=height
    )


def _finish_trajectory(
    fig: go.Figure,
    traj: pd.DataFrame,
    round_id: str | None,
    n: int | None,
    rule: str,
    title: str,
    height: int,
) -> go.Figure:
    subtitle, note = _trajectory_text(traj, round_id, n, rule)
    return theme.finish(fig, title=f"{title} by round", subtitle=subtitle, note=note, height=height)
