/* doc.c — an experiment's write-up and tables: SUMMARY.md and report.html built side by side
 * (same sections, same numbers), results CSV files, and line charts in SVG + PNG. Every file
 * is written atomically (a killed experiment never leaves half a report). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "experiment/expt_internal.h"
#include "wgankit/error.h"
#include "wgankit/io.h"

int wk__expt_mkdirs(const char *dir) {
    char buf[WK_GAN_STR];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf) return wk_errorf(WK_EINVAL, "--out %s: path too long", dir);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            if (mkdir(buf, 0777) && errno != EEXIST) return wk_errorf(WK_EIO, "cannot create %s: %s", buf, strerror(errno));
            *p = c;
            if (!c) break;
        }
    }
    return WK_OK;
}

int wk__expt_path(char *buf, size_t n, const char *dir, const char *name) {
    if ((size_t)snprintf(buf, n, "%s/%s", dir, name) >= n) return wk_errorf(WK_EINVAL, "path %s/%s too long", dir, name);
    return WK_OK;
}

void wk__expt_duration(double s, char *buf, size_t n) {
    if (!isfinite(s) || s < 0) snprintf(buf, n, "unknown");
    else if (s >= 3600) snprintf(buf, n, "%d h %02d min", (int)(s / 3600), (int)fmod(s / 60, 60));
    else if (s >= 60) snprintf(buf, n, "%d min %02d s", (int)(s / 60), (int)fmod(s, 60));
    else snprintf(buf, n, "%.1f s", s);
}

static void md_cell(wk_strbuf *sb, const char *s) {
    for (; *s; s++) {
        if (*s == '|') wk_sb_puts(sb, "\\|");
        else if (*s == '\n') wk_sb_putc(sb, ' ');
        else wk_sb_putc(sb, *s);
    }
}

const char *wk__doc_num(char *buf, size_t n, const char *fmt, double v) {
    if (isnan(v)) snprintf(buf, n, "%s", WK_DOC_DASH);
    else snprintf(buf, n, fmt, v);
    return buf;
}

const char *wk__doc_iv(char *buf, size_t n, const char *fmt, double mean, double lo, double hi) {
    char m[48], l[48], h[48];
    wk__doc_num(m, sizeof m, fmt, mean);
    if (isnan(mean)) snprintf(buf, n, "%s", m);
    else if (isnan(lo) && isnan(hi)) snprintf(buf, n, "%s [%s]", m, WK_DOC_DASH);
    else snprintf(buf, n, "%s [%s, %s]", m, wk__doc_num(l, sizeof l, fmt, lo), wk__doc_num(h, sizeof h, fmt, hi));
    return buf;
}

void wk__doc_begin(expt_doc *d, const wk_expt_ctx *c) {
    wk_sb_init(&d->md), wk_sb_init(&d->html);
    d->in_table = 0, d->dashes = 0, d->dash_why = NULL;
    const wk_experiment *e = c->e;
    wk_sb_printf(&d->md, "# %s: %s\n\n", e->name, e->title);
    wk_sb_puts(&d->html, "<!doctype html><html><head><meta charset=\"utf-8\"><title>");
    wk_sb_append_xml(&d->html, e->name);
    wk_sb_puts(&d->html, "</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}"
                         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                         "th{background:#f3f3f3}.claim{background:#eef4fb;padding:.6em 1em;border-left:4px solid #1f77b4}"
                         ".no{color:#b00;font-weight:bold}.yes{color:#070;font-weight:bold}img{max-width:100%}"
                         "code{background:#f5f5f5;padding:1px 3px}</style></head><body><h1>");
    wk_sb_append_xml(&d->html, e->name);
    wk_sb_puts(&d->html, ": ");
    wk_sb_append_xml(&d->html, e->title);
    wk_sb_puts(&d->html, "</h1>\n");
    wk_sb_printf(&d->md, "**The paper's claim** (%s): %s\n\n", e->source, e->claim);
    wk_sb_puts(&d->html, "<p class=\"claim\"><b>The paper's claim</b> (");
    wk_sb_append_xml(&d->html, e->source);
    wk_sb_puts(&d->html, "): ");
    wk_sb_append_xml(&d->html, e->claim);
    wk_sb_puts(&d->html, "</p>\n");
    /* the command that reproduces this directory */
    wk_strbuf cmd;
    wk_sb_init(&cmd);
    wk_sb_printf(&cmd, "wgankit experiment %s --scale %s --out %s --jobs %d", e->name, wk_expt_scale_name(c->scale), c->out,
                 c->jobs);
    char flag[64]; /* the flags as --help spells them (--nnd-steps; --nnd_steps is read too) */
    for (int k = 0; k < e->n_knobs; k++)
        if (c->set_by_user[k]) wk_sb_printf(&cmd, " %s %s", wk__expt_flag(e->knobs[k].name, flag, sizeof flag), c->value[k]);
    for (int k = 0; k < c->n_train; k++)
        wk_sb_printf(&cmd, " %s %s", wk__expt_flag(c->train_key[k], flag, sizeof flag), c->train_value[k]);
    wk_sb_printf(&d->md, "Scale: **%s**. Command:\n\n    %s\n\n", wk_expt_scale_name(c->scale), cmd.data ? cmd.data : "");
    wk_sb_printf(&d->html, "<p>Scale: <b>%s</b>. Command: <code>", wk_expt_scale_name(c->scale));
    wk_sb_append_xml(&d->html, cmd.data ? cmd.data : "");
    wk_sb_puts(&d->html, "</code></p>\n");
    wk_sb_free(&cmd);
    /* every knob's value */
    wk_sb_puts(&d->md, "Settings: ");
    wk_sb_puts(&d->html, "<details><summary>Settings</summary><p>");
    for (int k = 0; k < e->n_knobs; k++) {
        wk_sb_printf(&d->md, "%s`%s` = %s", k ? ", " : "", e->knobs[k].name, c->value[k]);
        wk_sb_printf(&d->html, "%s<code>%s</code> = ", k ? ", " : "", e->knobs[k].name);
        wk_sb_append_xml(&d->html, c->value[k]);
    }
    for (int k = 0; k < c->n_train; k++) {
        wk_sb_printf(&d->md, ", train `%s` = %s", c->train_key[k], c->train_value[k]);
        wk_sb_printf(&d->html, ", train <code>%s</code> = ", c->train_key[k]);
        wk_sb_append_xml(&d->html, c->train_value[k]);
    }
    wk_sb_puts(&d->md, "\n\n");
    wk_sb_puts(&d->html, "</p></details>\n");
}

void wk__doc_h2(expt_doc *d, const char *text) {
    wk_sb_printf(&d->md, "\n## %s\n\n", text);
    wk_sb_puts(&d->html, "<h2>");
    wk_sb_append_xml(&d->html, text);
    wk_sb_puts(&d->html, "</h2>\n");
}

void wk__doc_p(expt_doc *d, const char *fmt, ...) {
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (d->md.len > 1 && d->md.data[d->md.len - 2] != '\n') wk_sb_putc(&d->md, '\n'); /* end a list before a paragraph */
    wk_sb_printf(&d->md, "%s\n\n", buf);
    wk_sb_puts(&d->html, "<p>");
    wk_sb_append_xml(&d->html, buf);
    wk_sb_puts(&d->html, "</p>\n");
}

void wk__doc_verdict(expt_doc *d, const char *claim, const char *measured, int agrees) {
    const char *v = agrees > 0 ? "agrees" : agrees == 0 ? "DIFFERS" : "not measurable";
    wk_sb_printf(&d->md, "- **%s** — claim: %s — measured: %s\n", v, claim, measured);
    wk_sb_printf(&d->html, "<p><span class=\"%s\">%s</span> — claim: ", agrees > 0 ? "yes" : "no", v);
    wk_sb_append_xml(&d->html, claim);
    wk_sb_puts(&d->html, " — measured: ");
    wk_sb_append_xml(&d->html, measured);
    wk_sb_puts(&d->html, "</p>\n");
}

void wk__doc_table(expt_doc *d, int ncol, const char *const *head) {
    if (d->md.len && d->md.data[d->md.len - 1] == '\n' && d->md.len > 1 && d->md.data[d->md.len - 2] != '\n')
        wk_sb_putc(&d->md, '\n');
    wk_sb_puts(&d->md, "|");
    wk_sb_puts(&d->html, "<table><tr>");
    for (int i = 0; i < ncol; i++) {
        wk_sb_putc(&d->md, ' ');
        md_cell(&d->md, head[i]);
        wk_sb_puts(&d->md, " |");
        wk_sb_puts(&d->html, "<th>");
        wk_sb_append_xml(&d->html, head[i]);
        wk_sb_puts(&d->html, "</th>");
    }
    wk_sb_puts(&d->md, "\n|");
    for (int i = 0; i < ncol; i++) wk_sb_puts(&d->md, "---|");
    wk_sb_puts(&d->md, "\n");
    wk_sb_puts(&d->html, "</tr>\n");
    d->in_table = 1;
}

void wk__doc_row(expt_doc *d, int ncol, const char *const *cells) {
    wk_sb_puts(&d->md, "|");
    wk_sb_puts(&d->html, "<tr>");
    for (int i = 0; i < ncol; i++) {
        d->dashes += strstr(cells[i], WK_DOC_DASH) != NULL;
        wk_sb_putc(&d->md, ' ');
        md_cell(&d->md, cells[i]);
        wk_sb_puts(&d->md, " |");
        wk_sb_puts(&d->html, "<td>");
        wk_sb_append_xml(&d->html, cells[i]);
        wk_sb_puts(&d->html, "</td>");
    }
    wk_sb_puts(&d->md, "\n");
    wk_sb_puts(&d->html, "</tr>\n");
}

void wk__doc_table_end(expt_doc *d) {
    wk_sb_puts(&d->md, "\n");
    wk_sb_puts(&d->html, "</table>\n");
    d->in_table = 0;
    if (d->dashes)
        wk__doc_p(d, "%s: not measured: %s. results.csv leaves such a value empty.", WK_DOC_DASH,
                  d->dash_why ? d->dash_why : "no run of the cell finished, or its interval would rest on a single seed");
    d->dashes = 0;
}

void wk__doc_figure(expt_doc *d, const char *stem, const char *caption) {
    wk_sb_printf(&d->md, "![%s](%s.png)\n\n*%s* ([SVG](%s.svg))\n\n", caption, stem, caption, stem);
    wk_sb_printf(&d->html, "<figure><a href=\"%s.svg\"><img src=\"%s.png\" alt=\"", stem, stem);
    wk_sb_append_xml(&d->html, caption);
    wk_sb_puts(&d->html, "\"></a><figcaption>");
    wk_sb_append_xml(&d->html, caption);
    wk_sb_puts(&d->html, "</figcaption></figure>\n");
}

int wk__doc_finish(expt_doc *d, const wk_expt_ctx *c, const char *dir) {
    char t[64], path[WK_GAN_STR + 32];
    wk__expt_duration(wk_monotonic_s() - c->started, t, sizeof t);
    wk__doc_p(d, "Run time: %s with --jobs %d (wall clock of this invocation; finished training points of an earlier "
                 "invocation are reused, not re-run). Raw numbers: results.csv.",
              t, c->jobs);
    wk_sb_puts(&d->html, "</body></html>\n");
    int rc = wk_sb_status(&d->md) ? wk_sb_status(&d->md) : wk_sb_status(&d->html);
    if (!rc && !(rc = wk__expt_path(path, sizeof path, dir, "SUMMARY.md")))
        rc = wk_write_file_atomic(path, d->md.data, d->md.len);
    if (!rc && !(rc = wk__expt_path(path, sizeof path, dir, "report.html")))
        rc = wk_write_file_atomic(path, d->html.data, d->html.len);
    return rc;
}

void wk__doc_free(expt_doc *d) {
    wk_sb_free(&d->md);
    wk_sb_free(&d->html);
}

int wk__expt_chart(const char *dir, const char *stem, const wk_chart_spec *spec, const wk_series *s, size_t n) {
    char path[WK_GAN_STR + 64], name[96];
    snprintf(name, sizeof name, "%s.svg", stem);
    int rc = wk__expt_path(path, sizeof path, dir, name);
    if (!rc) rc = wk_svg_write_line_chart(path, spec, s, n);
    snprintf(name, sizeof name, "%s.png", stem);
    if (!rc) rc = wk__expt_path(path, sizeof path, dir, name);
    if (!rc) rc = wk_png_line_chart(path, spec, s, n);
    return rc;
}

void wk__csv_begin(expt_csv *t, int ncol, const char *const *head) {
    wk_sb_init(&t->sb);
    t->ncol = ncol, t->col = 0;
    for (int i = 0; i < ncol; i++) wk__csv_str(t, head[i]);
}

static void csv_sep(expt_csv *t) {
    if (t->col) wk_sb_putc(&t->sb, ',');
}
static void csv_end(expt_csv *t) {
    if (++t->col == t->ncol) wk_sb_putc(&t->sb, '\n'), t->col = 0;
}

void wk__csv_str(expt_csv *t, const char *s) {
    csv_sep(t);
    if (strpbrk(s, ",\"\n")) {
        wk_sb_putc(&t->sb, '"');
        for (; *s; s++) {
            if (*s == '"') wk_sb_putc(&t->sb, '"');
            wk_sb_putc(&t->sb, *s);
        }
        wk_sb_putc(&t->sb, '"');
    } else wk_sb_puts(&t->sb, s);
    csv_end(t);
}

void wk__csv_num(expt_csv *t, double v) {
    csv_sep(t);
    if (isfinite(v)) wk_sb_printf(&t->sb, "%.9g", v);
    csv_end(t);
}

int wk__csv_write(expt_csv *t, const char *dir, const char *name) {
    char path[WK_GAN_STR + 64];
    int rc = wk_sb_status(&t->sb);
    if (!rc) rc = wk__expt_path(path, sizeof path, dir, name);
    if (!rc) rc = wk_write_file_atomic(path, t->sb.data, t->sb.len);
    wk_sb_free(&t->sb);
    return rc;
}

const char *wk__fmt_slope(char *buf, size_t n, const wk_loglog_fit_ci *f) {
    if (!isfinite(f->slope)) snprintf(buf, n, "not measurable (%d point%s above 0)", f->used, f->used == 1 ? "" : "s");
    else if (!isfinite(f->lo) || !isfinite(f->hi)) snprintf(buf, n, "%.3f (%d points above 0: no interval)", f->slope, f->used);
    else snprintf(buf, n, "%.3f [%.3f, %.3f]", f->slope, f->lo, f->hi);
    return buf;
}
