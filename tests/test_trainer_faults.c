/* test_trainer_faults.c — the trainer's calls clean up when memory runs out part way (issue 15,
 * design 7): wk_trainer_sample allocates its output first, then the graph's input; when the
 * input cannot be had, the output must be freed, not returned half made (it leaked there). The
 * input is made too large to allocate (latent codes of 65,536 floats per sample, 256 MB per
 * chunk of 1,000) while the output stays small: under plain builds by an address-space limit in
 * a child process, under AddressSanitizer (which needs its address space) by its own cap on one
 * allocation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "gan_make.h"
#include "wgankit/error.h"
#include "wgankit/gan.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
/* allocations over 128 MB return NULL instead of aborting (the env's ASAN_OPTIONS add to this) */
const char *__asan_default_options(void) { return "allocator_may_return_null=1:max_allocation_size_mb=128"; }
#else
#define UNDER_ASAN 0
#endif

/* Sample 1,000 points with codes too large to allocate; 0 when the call failed cleanly. */
static int sample_fails_clean(wk_trainer *t) {
    wk_tensor out;
    memset(&out, 0, sizeof out);
    int rc = wk_trainer_sample(t, NULL, 1000, 1, 0, &out);
    if (rc != WK_ENOMEM) {
        fprintf(stderr, "sample: rc %d (%s), want WK_ENOMEM\n", rc, wk_last_error());
        if (!rc) wk_tensor_free(&out);
        return 1;
    }
    if (out.data) {
        fprintf(stderr, "sample failed but left its output allocated (%lld floats)\n", (long long)out.numel);
        return 2;
    }
    return 0;
}

int main(void) {
    wk_gan_config c;
    wk_gan_config_default(&c);
    c.latent_dim = 65536; /* one chunk of codes: 1,000 x 65,536 floats = 256 MB */
    c.gen_depth = 0;      /* generator: one Linear 65,536 -> 2 (0.5 MB) */
    c.critic_width = 16;
    c.ema = 0;
    c.holdout = c.eval_n = 100;
    c.threads = 1;
    wk_trainer *t = make(&c);
    if (UNDER_ASAN) {
        CHECK(sample_fails_clean(t) == 0, "wk_trainer_sample frees its output when the codes cannot be allocated");
    } else {
        fflush(NULL);
        pid_t pid = fork();
        REQUIRE(pid >= 0, "fork");
        if (pid == 0) {
            /* room for what the process holds now plus 64 MB: the 256 MB of codes do not fit */
            long pages = 0, page = sysconf(_SC_PAGESIZE);
            FILE *f = fopen("/proc/self/statm", "r");
            if (!f || fscanf(f, "%ld", &pages) != 1) _exit(3);
            fclose(f);
            rlim_t cap = (rlim_t)pages * (rlim_t)page + (64u << 20);
            struct rlimit rl = {cap, cap};
            if (setrlimit(RLIMIT_AS, &rl)) _exit(3);
            _exit(sample_fails_clean(t));
        }
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid, "waitpid");
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "wk_trainer_sample frees its output when the codes cannot be allocated (child status %d)", status);
    }
    wk_trainer_free(t);
    return check_summary("test_trainer_faults");
}
