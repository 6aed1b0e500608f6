/* fuzz_config.c — libFuzzer harness of the JSON config path (`train --config FILE`): the JSON
 * parser, wk_gan_config_apply_json (every setting's type and range) and the cross-setting
 * checks, then the config written back as JSON and parsed again (a config that loads must
 * serialize to JSON that loads to the same settings). */
#include <string.h>

#include "fuzz_file.h"
#include "wgankit/gan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = wk_fuzz_path(0, ".json");
    wk_fuzz_write(path, data, size);
    wk_gan_config c;
    wk_gan_config_default(&c);
    if (wk_fuzz_note(wk_gan_config_load_file(&c, path), "load") || wk_fuzz_note(wk_gan_config_validate(&c), "validate")) return 0;
    wk_strbuf sb = {0};
    wk_gan_config_to_json(&c, &sb);
    wk_json *root = NULL;
    wk_gan_config back;
    wk_gan_config_default(&back);
    if (wk_json_parse(sb.data, sb.len, "round trip", &root) || wk_gan_config_apply_json(&back, root, "round trip")) abort();
    wk_json_free(root);
    wk_strbuf sb2 = {0};
    wk_gan_config_to_json(&back, &sb2);
    if (sb.len != sb2.len || memcmp(sb.data, sb2.data, sb.len)) abort();
    wk_sb_free(&sb);
    wk_sb_free(&sb2);
    return 0;
}
