-- Issue 5 "Models": what the service-efficiency models need from an item
-- (seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型: 服务效能模型、涉企服务效能模型;
-- seed 004_894aaa4ee2cebbc3.txt line 1058 人员工作量分析).
--   standard_min: 事项标准办理时长, the minutes a window should need for one
--     case of the item. NULL = not set: the efficiency endpoint then takes the
--     item's own median handling time over the period (docs/models.md "On the screens").
--   enterprise: 涉企事项, an item whose applicants are enterprises (企业开办, 税务 …);
--     the enterprise service efficiency counts the cases of these items.
ALTER TABLE items ADD COLUMN IF NOT EXISTS standard_min numeric CHECK (standard_min IS NULL OR standard_min > 0);
ALTER TABLE items ADD COLUMN IF NOT EXISTS enterprise boolean NOT NULL DEFAULT false;
