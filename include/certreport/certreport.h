/* certreport: turns a city's certification self-assessment into its status report.
 * One header for the whole library: input -> audit -> score -> peers. */
#ifndef CERTREPORT_H
#define CERTREPORT_H

#include "audit.h"
#include "batch.h"
#include "catalog.h"
#include "cohort.h"
#include "error.h"
#include "input.h"
#include "display.h"
#include "fonts.h"
#include "json.h"
#include "layout.h"
#include "overview.h"
#include "peers.h"
#include "render.h"
#include "roadmap.h"
#include "score.h"

#endif
