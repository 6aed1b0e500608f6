/* font5x7.h — the 5x7 label font of the PNG plots (font5x7.c). Internal to src/plot. */
#ifndef WK_PLOT_FONT5X7_H
#define WK_PLOT_FONT5X7_H

/* 1 when pixel (row 0..6 from the top, col 0..4) of character c is set. */
int wk__glyph_pixel(char c, int row, int col);

#endif
