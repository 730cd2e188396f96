/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the page content stream writer (pdf_ops.c): numbers, colours, strings. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "pdf_ops.h"

/* The buffer's content as a string, then emptied. */
static const char *take(cr_ops *o)
{
    static char buf[512]; /* tests run one at a time */
    assert_false(o->oom);
    assert_true(o->n < sizeof buf);
    memcpy(buf, o->p, o->n);
    buf[o->n] = '\0';
    o->n = 0;
    return buf;
}

static void test_numbers(void **state)
{
    (void)state;
    cr_ops o = {0};
    cr_ops_num(&o, 0, 2);
    assert_string_equal(take(&o), "0 ");
    cr_ops_num(&o, 12.5f, 2);
    assert_string_equal(take(&o), "12.5 ");
    cr_ops_num(&o, 284.90002f, 2); /* what libharu wrote as 284.90002 */
    assert_string_equal(take(&o), "284.9 ");
    cr_ops_num(&o, 841.889f, 2);
    assert_string_equal(take(&o), "841.89 ");
    cr_ops_num(&o, -0.001, 2); /* never "-0" */
    assert_string_equal(take(&o), "0 ");
    cr_ops_num(&o, -3.456, 2);
    assert_string_equal(take(&o), "-3.46 ");
    cr_ops_num(&o, 7.99999, 2);
    assert_string_equal(take(&o), "8 ");
    cr_ops_num(&o, 1.23456, 9); /* at most 4 decimals */
    assert_string_equal(take(&o), "1.2346 ");
    cr_ops_num(&o, 1e12, 0);
    assert_string_equal(take(&o), "1000000000 ");
    cr_ops_cents(&o, 0);
    assert_string_equal(take(&o), "0 ");
    cr_ops_cents(&o, -1205);
    assert_string_equal(take(&o), "-12.05 ");
    cr_ops_cents(&o, 5410);
    assert_string_equal(take(&o), "54.1 ");
    cr_ops_uint(&o, 0);
    assert_string_equal(take(&o), "0");
    cr_ops_uint(&o, 4294967295ul);
    assert_string_equal(take(&o), "4294967295");
    cr_ops_free(&o);
}

static void test_colours(void **state)
{
    (void)state;
    cr_ops o = {0};
    cr_ops_rgb(&o, 0, 255, 128, "rg");
    assert_string_equal(take(&o), "0 1 0.502 rg\n");
    cr_ops_rgb(&o, 11, 79, 108, "RG");
    assert_string_equal(take(&o), "0.043 0.31 0.424 RG\n");
    /* Three decimals tell every 8-bit value apart: each reads back as itself. */
    for (unsigned c = 0; c < 256; c++) {
        cr_ops_rgb(&o, (uint8_t)c, 0, 0, "rg");
        double v = strtod(take(&o), NULL);
        assert_int_equal((unsigned)(v * 255.0 + 0.5), c);
    }
    cr_ops_free(&o);
}

static void test_strings(void **state)
{
    (void)state;
    cr_ops o = {0};
    const unsigned char s[] = "a(b)c\\d\r\n\x7f\xe9";
    cr_ops_literal(&o, s, sizeof s - 1);
    assert_string_equal(take(&o), "(a\\(b\\)c\\\\d\\015\\012\\177\xe9)");
    cr_ops_literal(&o, s, 0);
    assert_string_equal(take(&o), "()");
    cr_ops_hex16_begin(&o);
    cr_ops_hex16(&o, 0x41);
    cr_ops_hex16(&o, 0xE01F);
    cr_ops_hex16_end(&o);
    assert_string_equal(take(&o), "<0041E01F>");
    cr_ops_free(&o);
}

/* The buffer grows past its first block and keeps every byte. */
static void test_growth(void **state)
{
    (void)state;
    cr_ops o = {0};
    for (int i = 0; i < 10000; i++)
        cr_ops_raw(&o, "0123456789", 10);
    assert_false(o.oom);
    assert_int_equal(o.n, 100000);
    for (size_t i = 0; i < o.n; i++)
        assert_int_equal(o.p[i], '0' + (int)(i % 10));
    cr_ops_free(&o);
    assert_null(o.p);
    assert_int_equal(o.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_colours),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
