// abmgraph schema: one uniqueness constraint per id (which also indexes it), and the indexes
// the queries use. Every statement is idempotent; the stores apply this file before loading.
CREATE CONSTRAINT company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT business_unit_id IF NOT EXISTS FOR (n:BusinessUnit) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT team_member_id IF NOT EXISTS FOR (n:TeamMember) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT deal_id IF NOT EXISTS FOR (n:Deal) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT touch_id IF NOT EXISTS FOR (n:Touch) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT next_action_id IF NOT EXISTS FOR (n:NextAction) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT wallet_estimate_id IF NOT EXISTS FOR (n:WalletEstimate) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT fx_rate_id IF NOT EXISTS FOR (n:FxRate) REQUIRE n.id IS UNIQUE;
// The data version: one node, moved on by every write (caches compare it).
CREATE CONSTRAINT graph_version_id IF NOT EXISTS FOR (n:GraphVersion) REQUIRE n.id IS UNIQUE;
// The audit trail: one node per audited write, unlinked; paged newest first by its time.
CREATE CONSTRAINT audit_record_id IF NOT EXISTS FOR (n:AuditRecord) REQUIRE n.id IS UNIQUE;
CREATE INDEX audit_record_at IF NOT EXISTS FOR (n:AuditRecord) ON (n.at);
CREATE INDEX company_industry IF NOT EXISTS FOR (n:Company) ON (n.industry);
CREATE INDEX company_country IF NOT EXISTS FOR (n:Company) ON (n.country);
CREATE INDEX person_email IF NOT EXISTS FOR (n:Person) ON (n.email);
CREATE INDEX deal_stage IF NOT EXISTS FOR (n:Deal) ON (n.stage);
CREATE INDEX touch_occurred_at IF NOT EXISTS FOR (n:Touch) ON (n.occurred_at);
CREATE INDEX person_last_touch_day IF NOT EXISTS FOR (n:Person) ON (n.last_touch_day);
