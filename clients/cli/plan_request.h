// The plan subject from the command line (--group, --software, --campaign,
// --technique, --ctid_plan, plus --platform and --include_campaigns), shared
// by `cov plan` and `cov experiment start`.
#ifndef COV_CLIENTS_CLI_PLAN_REQUEST_H_
#define COV_CLIENTS_CLI_PLAN_REQUEST_H_

#include "cov/v1/emulation.pb.h"

namespace cov::clients::cli {

// Fills `req`; false when not exactly one subject flag is given.
bool PlanRequestFromFlags(cov::v1::PlanRequest* req);

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_PLAN_REQUEST_H_
