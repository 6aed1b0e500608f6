/* font5x7.h — the 5x7 label font of the PNG plots (font5x7.c). Internal to src/plot. */
#ifndef WK_PLOT_FONT5X7_H
#define WK_PLOT_FONT5X7_H

#include <stdint.h>

#include "wgankit/plot.h"

/* 1 when pixel (row 0..6 from the top, col 0..4) of character c is set. */
int wk__glyph_pixel(char c, int row, int col);
/* Width in pixels of t drawn at `scale` (6 x scale per glyph, less the last glyph's spacing). */
int wk__text_width(const char *t, int scale);
/* t in colour col (an RGB image), each font pixel a scale x scale block, top-left corner at
 * (x, y); up = 1: turned a quarter left (an axis title), its baseline on the left, reading upwards
 * from (x, y). Pixels outside the image are skipped. */
void wk__text_draw(wk_image *img, int x, int y, const char *t, int scale, const uint8_t col[3], int up);

#endif
