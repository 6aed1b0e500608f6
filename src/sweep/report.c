/* report.c — wk_sweep_report (sweep.h): DIR/report.html, a self-contained page (relative links
 * only, so the directory can be moved) with the grid, seeds and settings, the counts, the plots
 * of the plot metric and one table row per point linking the run's own report.html. Written
 * atomically; rows are streamed (at most ROW_LIMIT, then a pointer to results.csv). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sweep/sweep_internal.h"
#include "wgankit/atomic_file.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/sweep.h"

#define ROW_LIMIT 10000

static void esc(wk_strbuf *sb, const char *s) {
    wk_sb_append_xml(sb, s);
}

/* Link paths: point names hold only [A-Za-z0-9._=-]; '=' is fine in a relative URL. */
static void plot_block(wk_strbuf *sb, const wk_sweep_spec *s, const char *kind) {
    char path[WK_GAN_STR + 96];
    snprintf(path, sizeof path, "%s/plot-%s-%s.png", s->out, s->plot_metric, kind);
    if (access(path, F_OK)) return;
    wk_sb_printf(sb, "<figure><a href=\"plot-");
    esc(sb, s->plot_metric);
    wk_sb_printf(sb, "-%s.svg\"><img src=\"plot-", kind);
    esc(sb, s->plot_metric);
    wk_sb_printf(sb, "-%s.png\" alt=\"%s of ", kind, kind);
    esc(sb, s->plot_metric);
    wk_sb_printf(sb, "\"></a><figcaption>%s (PNG; click for the SVG)</figcaption></figure>\n", kind);
}

int wk_sweep_report(const wk_sweep_spec *s) {
    wk_strbuf sb;
    wk_sb_init(&sb);
    wk_sb_puts(&sb, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>wgankit sweep ");
    esc(&sb, s->out);
    wk_sb_puts(&sb, "</title><style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;font-size:13px}"
                    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td.l,th.l{text-align:left}.failed{background:#fdd}"
                    "figure{display:inline-block;margin:0 1em 1em 0}img{max-width:100%;border:1px solid #eee}code{background:#f4f4f4}</style></head><body>\n");
    wk_sb_puts(&sb, "<h1>wgankit sweep</h1>\n<p>Directory <code>");
    esc(&sb, s->out);
    wk_sb_puts(&sb, "</code>. Data: <a href=\"results.csv\">results.csv</a>, <a href=\"results.jsonl\">results.jsonl</a>, "
                    "<a href=\"sweep.json\">sweep.json</a>.</p>\n<h2>Grid</h2>\n<ul>\n");
    for (int a = 0; a < s->n_axes; a++) {
        wk_sb_puts(&sb, "<li><code>");
        esc(&sb, s->axes[a].key);
        wk_sb_puts(&sb, "</code>: ");
        for (int i = 0; i < s->axes[a].n; i++) {
            if (i) wk_sb_puts(&sb, ", ");
            esc(&sb, s->axes[a].values[i]);
        }
        wk_sb_puts(&sb, "</li>\n");
    }
    wk_sb_puts(&sb, "<li>seeds: ");
    for (int i = 0; i < s->n_seeds; i++) wk_sb_printf(&sb, "%s%llu", i ? ", " : "", (unsigned long long)s->seeds[i]);
    wk_sb_puts(&sb, "</li>\n</ul>\n<p>Fixed settings:");
    if (!s->n_settings) wk_sb_puts(&sb, " none (train's defaults)");
    for (int i = 0; i < s->n_settings; i++) {
        wk_sb_puts(&sb, i ? ", <code>" : " <code>");
        esc(&sb, s->settings[i].key);
        wk_sb_putc(&sb, '=');
        esc(&sb, s->settings[i].value);
        wk_sb_puts(&sb, "</code>");
    }
    wk_sb_puts(&sb, ".</p>\n");

    /* rows first into a second buffer, counting, so that the counts can come before the table */
    wk_strbuf rows;
    wk_sb_init(&rows);
    int64_t n = wk_sweep_n_points(s), done = 0, failed = 0;
    int rc = WK_OK;
    for (int64_t i = 0; i < n; i++) {
        wk_sweep_point p;
        wk_sweep_result r;
        if ((rc = wk_sweep_point_at(s, i, &p)) || (rc = wk_sweep_point_result(s, &p, &r))) break;
        done += r.state == WK_POINT_DONE;
        failed += r.state == WK_POINT_FAILED;
        if (i < ROW_LIMIT) {
            int ok = r.state == WK_POINT_DONE;
            wk_sb_printf(&rows, "<tr%s><td>%lld</td><td class=\"l\">", r.state == WK_POINT_FAILED ? " class=\"failed\"" : "", (long long)i);
            if (ok) wk_sb_printf(&rows, "<a href=\"runs/%s/report.html\">%s</a>", p.name, p.name);
            else if (r.state == WK_POINT_FAILED) wk_sb_printf(&rows, "%s (<a href=\"runs/%s/train.log\">log</a>)", p.name, p.name);
            else esc(&rows, p.name);
            wk_sb_puts(&rows, "</td>");
            for (int a = 0; a < s->n_axes; a++) {
                wk_sb_puts(&rows, "<td>");
                esc(&rows, s->axes[a].values[p.value[a]]);
                wk_sb_puts(&rows, "</td>");
            }
            wk_sb_printf(&rows, "<td>%llu</td><td class=\"l\">%s</td><td>", (unsigned long long)p.seed,
                         ok ? "done" : r.state == WK_POINT_FAILED ? "failed" : "pending");
            if (r.failed_step >= 0) wk_sb_printf(&rows, "%lld", (long long)r.failed_step);
            wk_sb_puts(&rows, "</td><td>");
            double mv;
            if (r.metrics && wk__sweep_metric_value(r.metrics, s->plot_metric, &mv)) wk_sb_printf(&rows, "%.6g", mv);
            wk_sb_puts(&rows, "</td><td>");
            if (isfinite(r.wall_s)) wk_sb_printf(&rows, "%.1f", r.wall_s);
            wk_sb_puts(&rows, "</td><td class=\"l\">");
            if (r.state == WK_POINT_FAILED) esc(&rows, r.message);
            wk_sb_puts(&rows, "</td></tr>\n");
        }
        wk_sweep_result_free(&r);
    }
    wk_sb_printf(&sb, "<h2>Points</h2>\n<p>%lld points: %lld done, %lld failed, %lld not finished. Means in the plots are over "
                      "the done points only; a cell or marker says when that is fewer than planned.</p>\n",
                 (long long)n, (long long)done, (long long)failed, (long long)(n - done - failed));
    wk_sb_puts(&sb, "<h2>Plots of <code>");
    esc(&sb, s->plot_metric);
    wk_sb_puts(&sb, "</code></h2>\n");
    plot_block(&sb, s, "heatmap");
    plot_block(&sb, s, "lines");
    wk_sb_puts(&sb, "\n<h2>Every point</h2>\n<table><tr><th>index</th><th class=\"l\">point (its report)</th>");
    for (int a = 0; a < s->n_axes; a++) {
        wk_sb_puts(&sb, "<th>");
        esc(&sb, s->axes[a].key);
        wk_sb_puts(&sb, "</th>");
    }
    wk_sb_puts(&sb, "<th>seed</th><th class=\"l\">status</th><th>failed step</th><th>");
    esc(&sb, s->plot_metric);
    wk_sb_puts(&sb, "</th><th>wall s</th><th class=\"l\">why it failed</th></tr>\n");
    if (rows.data) wk_sb_append(&sb, rows.data, rows.len);
    wk_sb_puts(&sb, "</table>\n");
    if (n > ROW_LIMIT) wk_sb_printf(&sb, "<p>The first %d points are listed; results.csv has them all.</p>\n", ROW_LIMIT);
    wk_sb_puts(&sb, "</body></html>\n");
    wk_sb_free(&rows);
    if (!rc) rc = wk_sb_status(&sb);
    char path[WK_GAN_STR + 32];
    snprintf(path, sizeof path, "%s/report.html", s->out);
    if (!rc) rc = wk_write_file_atomic(path, sb.data, sb.len);
    wk_sb_free(&sb);
    return rc;
}
