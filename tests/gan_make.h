/* gan_make.h — the tests' one way to build a trainer from a config: load its data, build the
 * trainer, stop the test (REQUIRE) with the library's message when either fails. */
#ifndef WK_TEST_GAN_MAKE_H
#define WK_TEST_GAN_MAKE_H

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"

static wk_trainer *make(const wk_gan_config *c) {
    wk_dataset ds;
    wk_trainer *t = NULL;
    REQUIRE(wk_dataset_load(c, &ds) == WK_OK, "dataset: %s", wk_last_error());
    REQUIRE(wk_trainer_new(c, &ds, &t) == WK_OK, "trainer: %s", wk_last_error());
    return t;
}

#endif
