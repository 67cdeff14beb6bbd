// Rule-source RPCs (server/rules).
#include <string>
#include <utility>

#include "ingest/registry/parsers.h"
#include "server/observability/log.h"
#include "server/rules/rule_requests.h"
#include "server/service/cached_reply.h"
#include "server/service/cov_service.h"
#include "server/service/reply.h"

namespace cov::server::service {
namespace {

void LogIngest(const cov::v1::IngestRulesRequest& request,
               const absl::StatusOr<cov::v1::IngestRulesResponse>& r) {
  const std::string format(ingest::FormatName(request.format()));
  if (!r.ok()) {
    observability::Log("ingest %s %s failed: %s", format, request.path(),
                       r.status().ToString());
    return;
  }
  const cov::v1::Source& s = r->source();
  observability::Log(
      "ingest %s %s -> source %s: %d rules in %d files (%d parsed, %d "
      "unchanged, %d removed), %d errors in %.0f ms",
      format, s.path(), s.name(), s.rule_count(), s.file_count(),
      r->files_parsed(), r->files_skipped(), r->files_removed(),
      s.error_count(), r->elapsed_ms());
}

}  // namespace

grpc::ServerUnaryReactor* CovService::IngestRules(
    grpc::CallbackServerContext* ctx,
    const cov::v1::IngestRulesRequest* request,
    cov::v1::IngestRulesResponse* response) {
  auto s = Guard(ctx, "IngestRules");
  if (!s.ok()) return Finish(ctx, s.status());
  auto r = rules::Ingest((*s)->backend->models, *request,
                         (*s)->backend->check_path, (*s)->backend->ingest_nice);
  LogIngest(*request, r);
  return s->Reply(ctx, std::move(r), response);
}

grpc::ServerUnaryReactor* CovService::ListSources(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "ListSources");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::ListSourcesRequest>(
      ctx, *s, "ListSources", "", *request, response,
      [&](const cov::v1::ListSourcesRequest&) {
        return rules::ListAllSources(*(*s)->store);
      });
}

grpc::ServerUnaryReactor* CovService::DeleteSource(
    grpc::CallbackServerContext* ctx,
    const cov::v1::DeleteSourceRequest* request,
    cov::v1::DeleteSourceResponse* response) {
  auto s = Guard(ctx, "DeleteSource");
  if (!s.ok()) return Finish(ctx, s.status());
  return s->Reply(ctx, rules::DeleteSource((*s)->backend->models, *request),
                  response);
}

grpc::ServerUnaryReactor* CovService::ListRuleErrors(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "ListRuleErrors");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::ListRuleErrorsRequest>(
      ctx, *s, "ListRuleErrors", "", *request, response,
      [&](const cov::v1::ListRuleErrorsRequest& r) {
        return rules::ListRuleErrors(*(*s)->store, r);
      });
}

grpc::ServerUnaryReactor* CovService::ListRules(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  auto s = Guard(ctx, "ListRules");
  if (!s.ok()) return Finish(ctx, s.status());
  return CachedReply<cov::v1::ListRulesRequest>(
      ctx, *s, "ListRules", "", *request, response,
      [&](const cov::v1::ListRulesRequest& r) {
        return rules::ListRules((*s)->backend->models,
                                &(*s)->backend->list_rules_cache, r);
      });
}

}  // namespace cov::server::service
