-- Issue 4 "Admin": a ticket machine's item set (取号机事项配置, DOMAIN.md
-- "Device management: per-machine item set"; 001 §1.1.1.16). The machine
-- offers only these service items; a request for another item is refused
-- with HALL_ERR_UNKNOWN_ITEM (server/commands/issue-ticket.ts).
-- NULL = every item of the hall (all machines before this migration).
ALTER TABLE devices ADD COLUMN IF NOT EXISTS item_codes text[];
