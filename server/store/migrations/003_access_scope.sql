-- Issue 3: users belong to a region and optionally a hall and a department
-- (seed 001 §1.1.1.17: roles and permissions by region and department).
ALTER TABLE users ADD COLUMN IF NOT EXISTS department_id text REFERENCES departments(id);
