-- Insertion hours were recorded under their execution year (1, 2, …), which no yearly report asks for: they count in
-- the calendar year of the review that reported them, the contract's start plus that many years (data only).
UPDATE "indicator_events" e
SET "year" = EXTRACT(YEAR FROM COALESCE(c."start_date", c."planned_award_date") + make_interval(years => e."year"))::int
FROM "contracts" c
WHERE c."id" = e."contract_id" AND e."indicator" = 'insertion-hours' AND e."year" < 1000;
