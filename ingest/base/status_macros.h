// RETURN_IF_ERROR / ASSIGN_OR_RETURN for absl::Status and absl::StatusOr.
//
// Abseil 20220623 (Debian 12) does not ship absl/status/status_macros.h, so
// cov carries these two macros. Example:
//
//   absl::StatusOr<Release> Load(absl::string_view path) {
//     ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
//     RETURN_IF_ERROR(Validate(bytes));
//     return Parse(bytes);
//   }
#ifndef COV_INGEST_BASE_STATUS_MACROS_H_
#define COV_INGEST_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define COV_STATUS_CONCAT_INNER_(a, b) a##b
#define COV_STATUS_CONCAT_(a, b) COV_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status); returns it from the caller when not OK.
#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::absl::Status cov_status_ = (expr);       \
    if (!cov_status_.ok()) return cov_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else
// moves the value into `lhs` (a declaration such as `auto x` or an lvalue).
#define ASSIGN_OR_RETURN(lhs, rexpr)                                           \
  COV_ASSIGN_OR_RETURN_IMPL_(COV_STATUS_CONCAT_(cov_statusor_, __LINE__), lhs, \
                             rexpr)

#define COV_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                               \
  if (!statusor.ok()) return statusor.status();          \
  lhs = *std::move(statusor)

#endif  // COV_INGEST_BASE_STATUS_MACROS_H_
