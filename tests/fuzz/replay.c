/* SPDX-License-Identifier: Apache-2.0 */
/* certreport fuzz targets: replays a corpus through a target without libFuzzer, so every build
 * (gcc too) runs the committed inputs: `fuzz_replay_NAME DIR_OR_FILE...`. Each file is copied
 * into a buffer of exactly its size (ASan sees any read past the end), run once, and freed.
 * Fails when an argument cannot be read or holds no input at all. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    for (size_t n; buf && (n = fread(buf + len, 1, cap - len, f)) > 0;) {
        len += n;
        if (len == cap) {
            unsigned char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        return -1;
    }
    /* Exactly |len| bytes: no terminator, no slack. */
    unsigned char *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 1;
}

static int not_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Runs |path| (a file) or every file of |path| (a folder). Returns how many ran, -1 on error. */
static long run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    struct dirent **names;
    int n = scandir(path, &names, not_hidden, alphasort);
    if (n < 0) {
        perror(path);
        return -1;
    }
    long ran = 0;
    for (int i = 0; i < n; i++) {
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
        free(names[i]);
        struct stat fs;
        if (ran >= 0 && stat(file, &fs) == 0 && S_ISREG(fs.st_mode)) {
            int r = run_file(file);
            ran = r < 0 ? -1 : ran + r;
        }
    }
    free(names);
    return ran;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    long total = 0;
    for (int i = 1; i < argc; i++) {
        long ran = run_path(argv[i]);
        if (ran <= 0) {
            fprintf(stderr, "%s: %s\n", argv[i], ran < 0 ? "failed" : "no inputs");
            return 1;
        }
        total += ran;
    }
    printf("%s: %ld inputs replayed\n", argv[0], total);
    return 0;
}
