/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the library's version (see certreport/version.h). */
#include "certreport/version.h"

const char *cr_version(void)
{
    return CERTREPORT_VERSION_STRING;
}
