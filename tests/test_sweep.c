/* test_sweep.c — the sweep's plan and files without training (sweep.h): grid and seed parsing with
 * their refusals, the plan order (first axis slowest, seed fastest), stable sanitized point names,
 * a point's train arguments by its directory's state (new, --force, --resume), sweep.json
 * round trip and the differences it names, point.json reading, and results.csv from hand-made
 * point directories (metric columns as the union over points, nested members flattened, failed
 * points with their step and no metrics, the fixed settings in every row). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "wgankit/error.h"
#include "wgankit/io.h"
#include "wgankit/sweep.h"

static int refused(wk_sweep_spec *s, const char *grid, const char *want) {
    int rc = wk_sweep_spec_add_axis(s, grid);
    int ok = rc == WK_EINVAL && strstr(wk_last_error(), want);
    if (!ok) fprintf(stderr, "  --grid %s: rc %d, message '%s' (want '%s')\n", grid, rc, wk_last_error(), want);
    return ok;
}

static void put(const char *path, const char *text) {
    wk_write_file_atomic(path, text, strlen(text));
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

int main(void) {
    char tmpl[] = "/tmp/wk_test_sweep_XXXXXX";
    char *tmp = mkdtemp(tmpl);
    REQUIRE(tmp, "temporary directory");

    /* ---- parsing and refusals ---- */
    wk_sweep_spec s;
    wk_sweep_spec_init(&s);
    CHECK(refused(&s, "gen_depth", "expected KEY=V1,V2"), "no '='");
    CHECK(refused(&s, "gen_dpth=1", "unknown setting 'gen_dpth'"), "unknown key");
    CHECK(refused(&s, "gen_depth=", "empty list of values"), "empty list");
    CHECK(refused(&s, "gen_depth=1,,2", "an empty value"), "empty value");
    CHECK(refused(&s, "gen_depth=1,2,1", "value '1' given twice"), "repeated value");
    CHECK(refused(&s, "lr_d=1e-4,0.0001", "value 0.0001 given twice (as '1e-4' and '0.0001')"), "a value repeated in another spelling");
    CHECK(refused(&s, "gen_depth=1,+1", "value 1 given twice (as '1' and '+1')"), "a value repeated with its sign");
    CHECK(refused(&s, "gen_depth=1,x", "gen_depth"), "value the setting refuses");
    CHECK(refused(&s, "seed=1,2", "use --seeds"), "seed is not a grid key");
    CHECK(refused(&s, "out=a,b", "not a grid key"), "out is not a grid key");
    CHECK(s.n_axes == 0, "refused axes are not added");
    CHECK(wk_sweep_spec_add_axis(&s, "gen-depth=1,2,3") == WK_OK, "dash spelling: %s", wk_last_error());
    CHECK(!strcmp(s.axes[0].key, "gen_depth"), "canonical key");
    CHECK(refused(&s, "gen_depth=4", "already a grid key"), "duplicate key");
    CHECK(wk_sweep_spec_add_axis(&s, "data=ring:k=8,grid") == WK_OK, "string values: %s", wk_last_error());
    CHECK(wk_sweep_spec_set(&s, "gen-depth", "2") == WK_EINVAL && strstr(wk_last_error(), "grid key"), "fixed setting of a grid key");
    CHECK(wk_sweep_spec_set(&s, "steps", "10") == WK_OK && wk_sweep_spec_set(&s, "steps", "20") == WK_OK, "a setting given twice");
    CHECK(s.n_settings == 1 && !strcmp(s.settings[0].value, "20"), "the later value wins");
    CHECK(wk_sweep_spec_set(&s, "lr-d", "0.0001") == WK_OK, "a float setting");
    CHECK(wk_sweep_spec_set(&s, "stepz", "1") == WK_EINVAL && strstr(wk_last_error(), "unknown setting 'stepz'"), "unknown fixed setting");
    CHECK(wk_sweep_spec_set_seeds(&s, "1,x") == WK_EINVAL && strstr(wk_last_error(), "'x' is not a seed"), "bad seed");
    CHECK(wk_sweep_spec_set_seeds(&s, "-1") == WK_EINVAL, "negative seed");
    CHECK(wk_sweep_spec_set_seeds(&s, "3,3") == WK_EINVAL && strstr(wk_last_error(), "given twice"), "repeated seed");
    CHECK(wk_sweep_spec_set_seeds(&s, "") == WK_EINVAL, "empty seed list");
    CHECK(wk_sweep_spec_set_seeds(&s, "7,9") == WK_OK && s.n_seeds == 2, "seeds");
    CHECK(wk_sweep_spec_validate(&s) == WK_EINVAL && strstr(wk_last_error(), "--out"), "--out required");
    snprintf(s.out, sizeof s.out, "%s/sw", tmp);
    CHECK(wk_sweep_spec_validate(&s) == WK_OK, "valid spec: %s", wk_last_error());

    /* ---- the plan ---- */
    CHECK(wk_sweep_n_points(&s) == 12, "3 x 2 x 2 seeds = 12 points");
    wk_sweep_point p;
    CHECK(wk_sweep_point_at(&s, 12, &p) == WK_EINVAL, "index out of range");
    REQUIRE(wk_sweep_point_at(&s, 5, &p) == WK_OK, "point 5");
    /* 5 = ((v0 * 2) + v1) * 2 + seed: v0 = 1, v1 = 0, seed index 1 */
    CHECK(p.value[0] == 1 && p.value[1] == 0 && p.seed == 9, "point 5 = gen_depth 2, data ring, seed 9 (got %d %d %llu)", p.value[0],
          p.value[1], (unsigned long long)p.seed);
    CHECK(!strcmp(p.name, "p0005_gen_depth=2_data=ring~3Ak=8_seed=9"), "name sanitized and padded: %s", p.name);
    wk_sweep_point q;
    wk_sweep_point_at(&s, 11, &q);
    CHECK(q.value[0] == 2 && q.value[1] == 1 && q.seed == 9, "last point");
    wk_gan_config cfg;
    CHECK(wk_sweep_point_config(&s, &p, 3, &cfg) == WK_OK && cfg.gen_depth == 2 && cfg.seed == 9 && cfg.steps == 20 && cfg.threads == 3 &&
              !strcmp(cfg.data, "ring:k=8") && strstr(cfg.out, "/runs/p0005_"),
          "a point's config");

    /* ---- train arguments by directory state ---- */
    wk_sweep_argv av;
    REQUIRE(wk_sweep_point_argv(&s, &p, 3, &av) == WK_OK, "argv");
    wk_strbuf sb;
    wk_sb_init(&sb);
    for (int i = 0; i < av.argc; i++) wk_sb_printf(&sb, "%s%s", i ? " " : "", av.argv[i]);
    char want[1024];
    snprintf(want, sizeof want, "train --steps 20 --lr-d 0.0001 --gen-depth 2 --data ring:k=8 --seed 9 --threads 3 --progress 0 --out %s/sw/runs/%s", tmp, p.name);
    CHECK(!strcmp(sb.data, want), "new point's arguments:\n  %s\nwant\n  %s", sb.data, want);
    CHECK(av.argv[av.argc] == NULL, "NULL-terminated");
    wk_sweep_argv_free(&av);
    char dir[1024], path[1100];
    wk_sweep_point_dir(&s, &p, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/runs", s.out);
    mkdir(s.out, 0777), mkdir(path, 0777), mkdir(dir, 0777);
    wk_sweep_point_argv(&s, &p, 3, &av);
    CHECK(av.argc > 1 && !strcmp(av.argv[1], "--force"), "a started point without a checkpoint starts over (--force)");
    wk_sweep_argv_free(&av);
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", dir);
    put(path, "x");
    wk_sweep_point_argv(&s, &p, 3, &av);
    CHECK(av.argc > 2 && !strcmp(av.argv[1], "--resume") && !strcmp(av.argv[2], dir), "a point with a checkpoint resumes");
    wk_sweep_argv_free(&av);
    s.threads = 5;
    wk_sweep_point_argv(&s, &p, 3, &av);
    int t5 = 0;
    for (int i = 0; i + 1 < av.argc; i++) t5 |= !strcmp(av.argv[i], "--threads") && !strcmp(av.argv[i + 1], "5");
    CHECK(t5, "--threads of the spec wins over the executor's");
    wk_sweep_argv_free(&av);
    s.threads = 0;

    /* ---- sweep.json ---- */
    int exists = -1;
    CHECK(wk_sweep_check_dir(&s, &exists) == WK_OK && exists == 0, "no sweep.json yet");
    wk_sb_clear(&sb);
    REQUIRE(wk_sweep_spec_to_json(&s, &sb) == WK_OK, "to_json");
    snprintf(path, sizeof path, "%s/sweep.json", s.out);
    put(path, sb.data);
    CHECK(wk_sweep_check_dir(&s, &exists) == WK_OK && exists == 1, "same spec matches: %s", wk_last_error());
    wk_sweep_spec t;
    wk_sweep_spec_init(&t);
    snprintf(t.out, sizeof t.out, "%s", s.out);
    wk_sweep_spec_add_axis(&t, "gen_depth=1,2,3");
    wk_sweep_spec_add_axis(&t, "data=ring:k=8,grid");
    wk_sweep_spec_set_seeds(&t, "7,9");
    wk_sweep_spec_set(&t, "steps", "20");
    wk_sweep_spec_set(&t, "lr_d", "1e-4"); /* the same value, spelled otherwise */
    CHECK(wk_sweep_check_dir(&t, &exists) == WK_OK, "a setting compares by its resolved value: %s", wk_last_error());
    wk_sweep_spec_set(&t, "steps", "21");
    CHECK(wk_sweep_check_dir(&t, &exists) == WK_EINVAL && strstr(wk_last_error(), "setting steps = 20 there, 21 now"), "changed setting: %s",
          wk_last_error());
    wk_sweep_spec_set(&t, "steps", "20");
    wk_sweep_spec_set(&t, "lr_g", "0.001");
    CHECK(wk_sweep_check_dir(&t, &exists) == WK_EINVAL && strstr(wk_last_error(), "setting lr_g = 0.001 now, not set there"), "added setting: %s",
          wk_last_error());
    wk_sweep_spec_free(&t);
    wk_sweep_spec_init(&t);
    snprintf(t.out, sizeof t.out, "%s", s.out);
    wk_sweep_spec_add_axis(&t, "gen_depth=1,2");
    CHECK(wk_sweep_check_dir(&t, &exists) == WK_EINVAL && strstr(wk_last_error(), "grid key gen_depth: values 1,2,3 there, 1,2 now"),
          "changed values: %s", wk_last_error());
    wk_sweep_spec_free(&t);

    /* ---- point.json and results ---- */
    wk_sweep_result r;
    CHECK(wk_sweep_point_result(&s, &p, &r) == WK_OK && r.state == WK_POINT_PARTIAL, "checkpoint, no point.json: partial");
    wk_sweep_point_at(&s, 0, &q);
    CHECK(wk_sweep_point_result(&s, &q, &r) == WK_OK && r.state == WK_POINT_NEW, "no directory: new");
    /* point 0 done with metrics, point 5 failed at step 17 */
    wk_sweep_point_dir(&s, &q, dir, sizeof dir);
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/point.json", dir);
    put(path, "{\"status\":\"done\",\"exit\":0,\"signal\":0,\"failed_step\":null,\"message\":\"\",\"wall_s\":1.5}\n");
    snprintf(path, sizeof path, "%s/metrics.jsonl", dir);
    put(path, "{\"step\":0,\"w1\":9}\n{\"step\":20,\"w1\":0.25,\"img\":{\"fd\":3},\"w\":[0.5,0.5]}\n");
    wk_sweep_point_dir(&s, &p, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/point.json", dir);
    put(path, "{\"status\":\"failed\",\"exit\":1,\"signal\":0,\"failed_step\":17,\"message\":\"wgankit train: step 17: diverged\",\"wall_s\":0.5}\n");
    CHECK(wk_sweep_point_result(&s, &q, &r) == WK_OK && r.state == WK_POINT_DONE && r.metrics && r.wall_s == 1.5, "done point");
    wk_sweep_result_free(&r);
    CHECK(wk_sweep_point_result(&s, &p, &r) == WK_OK && r.state == WK_POINT_FAILED && r.failed_step == 17 && !r.metrics, "failed point");
    wk_sweep_summary sum;
    REQUIRE(wk_sweep_collect(&s, &sum) == WK_OK, "collect: %s", wk_last_error());
    CHECK(sum.points == 12 && sum.done == 1 && sum.failed == 1, "counts");
    snprintf(path, sizeof path, "%s/results.csv", s.out);
    char *csv = slurp(path);
    REQUIRE(csv, "results.csv");
    const char *head = "index,point,gen_depth,data,steps,lr_d,seed,status,failed_step,step,w1,img.fd,w[0],w[1],wall_s\n";
    CHECK(!strncmp(csv, head, strlen(head)), "header: %.120s", csv);
    CHECK(strstr(csv, "\n0,p0000_gen_depth=1_data=ring~3Ak=8_seed=7,1,ring:k=8,20,0.0001,7,done,,20,0.25,3,0.5,0.5,1.5\n") != NULL, "done row (the last metrics line)");
    CHECK(strstr(csv, "\n5,p0005_gen_depth=2_data=ring~3Ak=8_seed=9,2,ring:k=8,20,0.0001,9,failed,17,,,,,,0.5\n") != NULL, "failed row");
    CHECK(strstr(csv, "\n11,p0011_gen_depth=3_data=grid_seed=9,3,grid,20,0.0001,9,pending,,,,,,,\n") != NULL, "pending row");
    snprintf(path, sizeof path, "%s/point.json", dir);
    put(path, "{\"status\":\"maybe\"}");
    CHECK(wk_sweep_point_result(&s, &p, &r) == WK_EFORMAT && strstr(wk_last_error(), "point.json"), "malformed point.json names the file");

    wk_sb_free(&sb);
    wk_sweep_spec_free(&s);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", tmp);
    return check_summary("test_sweep");
}
