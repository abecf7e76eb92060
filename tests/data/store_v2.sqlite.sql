-- A version-2 esma database (SQLite), made by esma 0.1.0.dev0 at commit d7cd4fa, before proof
-- status and families were stored in their own columns and tables: Store.open, start_run,
-- finish_chunk (two records of conjectures/e.jsonl: one proved, one stored as conjectured
-- without its certificate), add_verification, import_conjectures (a third record, proved);
-- then `sqlite3 FILE .dump`. tests/test_schema.py migrates it to the current version.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO meta VALUES('schema_version','2');
CREATE TABLE runs (
	id INTEGER NOT NULL, 
	"key" VARCHAR(64) NOT NULL, 
	parameters TEXT NOT NULL, 
	total_chunks INTEGER NOT NULL, 
	started DATETIME NOT NULL, 
	finished DATETIME, 
	esma_version VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE ("key")
);
INSERT INTO runs VALUES(1,'ef90760ad1ee0d6f7e8183edc2076e742ef7c51fbc5987fe7067859b55a2373f','{"chunk_lhs":16,"coeff":2,"constant":"e","degree":1,"depth":100,"digits":1000,"periods":[1,4],"prove":true,"threshold":0.25}',2,'2026-11-29 21:29:10.863674',NULL,'0.1.0.dev0');
CREATE TABLE chunks (
	run_id INTEGER NOT NULL, 
	idx INTEGER NOT NULL, 
	done_at DATETIME NOT NULL, 
	PRIMARY KEY (run_id, idx), 
	FOREIGN KEY(run_id) REFERENCES runs (id)
);
INSERT INTO chunks VALUES(1,0,'2026-11-29 21:29:10.870409');
CREATE TABLE conjectures (
	id VARCHAR(64) NOT NULL, 
	constant TEXT NOT NULL, 
	lhs TEXT NOT NULL, 
	lhs_value TEXT NOT NULL, 
	signs TEXT NOT NULL, 
	a_prefix TEXT NOT NULL, 
	recurrence TEXT NOT NULL, 
	quasi_polynomial TEXT, 
	verified_digits INTEGER NOT NULL, 
	convergence_rate FLOAT NOT NULL, 
	formula TEXT NOT NULL, 
	latex TEXT NOT NULL, 
	record TEXT NOT NULL, 
	first_run INTEGER, 
	source TEXT, 
	created DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(first_run) REFERENCES runs (id)
);
INSERT INTO conjectures VALUES('0015b5721bb18974','e','(x - 1)/2','0.859140914229522617680143735676331248878623546849979787483484','[1, 1, -1, 1]','[0, 1, 7, 1, 9, 14, 19, 1, 21, 26, 31, 1, 33, 38, 43, 1, 45, 50, 55, 1, 57, 62, 67, 1, 69, 74, 79, 1, 81, 86]','{"charpoly": [1, 0, 0, 0, -2, 0, 0, 0, 1], "initial": [0, 1, 7, 1, 9, 14, 19, 1, 21, 26], "start": 2}','{"period": 4, "polys": [[7, 12], [1], [9, 12], [14, 12]], "start": 2}',1018,4.170200000000000351,'(e - 1)/2 = 0 + 1/(1 + 1/(7 - 1/(1 + …))), a(2+4m) = 7 + 12m, a(3+4m) = 1, a(4+4m) = 9 + 12m, a(5+4m) = 14 + 12m','\frac{e - 1}{2} = 0 + \cfrac{1}{1 + \cfrac{1}{7 - \cfrac{1}{1 + \ddots}}},\quad a_{2+4m} = 12m + 7,\ a_{3+4m} = 1,\ a_{4+4m} = 12m + 9,\ a_{5+4m} = 12m + 14','{"a_prefix": [0, 1, 7, 1, 9, 14, 19, 1, 21, 26, 31, 1, 33, 38, 43, 1, 45, 50, 55, 1, 57, 62, 67, 1, 69, 74, 79, 1, 81, 86], "constant": "e", "convergence_rate": 4.1702, "formula": "(e - 1)/2 = 0 + 1/(1 + 1/(7 - 1/(1 + …))), a(2+4m) = 7 + 12m, a(3+4m) = 1, a(4+4m) = 9 + 12m, a(5+4m) = 14 + 12m", "id": "0015b5721bb18974", "latex": "\\frac{e - 1}{2} = 0 + \\cfrac{1}{1 + \\cfrac{1}{7 - \\cfrac{1}{1 + \\ddots}}},\\quad a_{2+4m} = 12m + 7,\\ a_{3+4m} = 1,\\ a_{4+4m} = 12m + 9,\\ a_{5+4m} = 12m + 14", "lhs": "(x - 1)/2", "lhs_value": "0.859140914229522617680143735676331248878623546849979787483484", "proof": {"E": [[7, 12], [1], [9, 12], [14, 12]], "L": 3, "M": [1, -1, 0, 2], "S": [[1], [1], [1], [-1]], "conv": 0, "j1": 0, "phase": 2, "prefix": [0, 1], "schedule": "cccececceccce", "square": false, "theorem": "e", "v": 1}, "quasi_polynomial": {"period": 4, "polys": [[7, 12], [1], [9, 12], [14, 12]], "start": 2}, "recurrence": {"charpoly": [1, 0, 0, 0, -2, 0, 0, 0, 1], "initial": [0, 1, 7, 1, 9, 14, 19, 1, 21, 26], "start": 2}, "signs": [1, 1, -1, 1], "status": "proved", "verified_digits": 1018}',1,NULL,'2026-11-29 21:29:10.870409');
INSERT INTO conjectures VALUES('0081968f47c5a7b4','e','x/(2*x + 2)','0.365529289315002439625579620910918137182572320082528259638183','[1]','[0, 2, 1, 2, 1, 3, 1, 1, 1, 3, 3, 3, 1, 3, 1, 3, 5, 3, 1, 5, 1, 3, 7, 3, 1, 7, 1, 3, 9, 3]','{"charpoly": [1, 0, 0, -1, 0, 0, -1, 0, 0, 1], "initial": [0, 2, 1, 2, 1, 3, 1, 1, 1, 3, 3, 3, 1], "start": 4}','{"period": 6, "polys": [[1, 2], [3], [1], [1, 2], [1], [3]], "start": 4}',1012,1.856500000000000039,'e/(2*e + 2) = 0 + 1/(2 + 1/(1 + 1/(2 + …))), a(4+6m) = 1 + 2m, a(5+6m) = 3, a(6+6m) = 1, a(7+6m) = 1 + 2m, a(8+6m) = 1, a(9+6m) = 3','\frac{e}{2 e + 2} = 0 + \cfrac{1}{2 + \cfrac{1}{1 + \cfrac{1}{2 + \ddots}}},\quad a_{4+6m} = 2m + 1,\ a_{5+6m} = 3,\ a_{6+6m} = 1,\ a_{7+6m} = 2m + 1,\ a_{8+6m} = 1,\ a_{9+6m} = 3','{"a_prefix": [0, 2, 1, 2, 1, 3, 1, 1, 1, 3, 3, 3, 1, 3, 1, 3, 5, 3, 1, 5, 1, 3, 7, 3, 1, 7, 1, 3, 9, 3], "constant": "e", "convergence_rate": 1.8565, "formula": "e/(2*e + 2) = 0 + 1/(2 + 1/(1 + 1/(2 + …))), a(4+6m) = 1 + 2m, a(5+6m) = 3, a(6+6m) = 1, a(7+6m) = 1 + 2m, a(8+6m) = 1, a(9+6m) = 3", "id": "0081968f47c5a7b4", "latex": "\\frac{e}{2 e + 2} = 0 + \\cfrac{1}{2 + \\cfrac{1}{1 + \\cfrac{1}{2 + \\ddots}}},\\quad a_{4+6m} = 2m + 1,\\ a_{5+6m} = 3,\\ a_{6+6m} = 1,\\ a_{7+6m} = 2m + 1,\\ a_{8+6m} = 1,\\ a_{9+6m} = 3", "lhs": "x/(2*x + 2)", "lhs_value": "0.365529289315002439625579620910918137182572320082528259638183", "proof": null, "quasi_polynomial": {"period": 6, "polys": [[1, 2], [3], [1], [1, 2], [1], [3]], "start": 4}, "recurrence": {"charpoly": [1, 0, 0, -1, 0, 0, -1, 0, 0, 1], "initial": [0, 2, 1, 2, 1, 3, 1, 1, 1, 3, 3, 3, 1], "start": 4}, "signs": [1], "status": "conjectured", "verified_digits": 1012}',1,NULL,'2026-11-29 21:29:10.870409');
INSERT INTO conjectures VALUES('002027550e34e9a4','e','x - 1','1.71828182845904523536028747135266249775724709369995957496697','[-1, -1, 1]','[2, 4, 2, 5, 3, 1, 6, 3, 1, 8, 3, 1, 10, 3, 1, 12, 3, 1, 14, 3, 1, 16, 3, 1, 18, 3, 1, 20, 3, 1]','{"charpoly": [1, 0, 0, -2, 0, 0, 1], "initial": [2, 4, 2, 5, 3, 1, 6, 3, 1, 8], "start": 4}','{"period": 3, "polys": [[3], [1], [6, 2]], "start": 4}',1010,1.8539000000000001033,'e - 1 = 2 - 1/(4 - 1/(2 + 1/(5 - …))), a(4+3m) = 3, a(5+3m) = 1, a(6+3m) = 6 + 2m','e - 1 = 2 - \cfrac{1}{4 - \cfrac{1}{2 + \cfrac{1}{5 - \ddots}}},\quad a_{4+3m} = 3,\ a_{5+3m} = 1,\ a_{6+3m} = 2m + 6','{"a_prefix": [2, 4, 2, 5, 3, 1, 6, 3, 1, 8, 3, 1, 10, 3, 1, 12, 3, 1, 14, 3, 1, 16, 3, 1, 18, 3, 1, 20, 3, 1], "constant": "e", "convergence_rate": 1.8539, "formula": "e - 1 = 2 - 1/(4 - 1/(2 + 1/(5 - …))), a(4+3m) = 3, a(5+3m) = 1, a(6+3m) = 6 + 2m", "id": "002027550e34e9a4", "latex": "e - 1 = 2 - \\cfrac{1}{4 - \\cfrac{1}{2 + \\cfrac{1}{5 - \\ddots}}},\\quad a_{4+3m} = 3,\\ a_{5+3m} = 1,\\ a_{6+3m} = 2m + 6", "lhs": "x - 1", "lhs_value": "1.71828182845904523536028747135266249775724709369995957496697", "proof": {"E": [[3], [1], [2, 2]], "L": 1, "M": [1, -1, 0, 1], "S": [[1], [1], [], [1]], "conv": 0, "j1": 2, "phase": 1, "prefix": [2, 4, 2, 5], "schedule": "ceceec", "square": false, "theorem": "e", "v": 1}, "quasi_polynomial": {"period": 3, "polys": [[3], [1], [6, 2]], "start": 4}, "recurrence": {"charpoly": [1, 0, 0, -2, 0, 0, 1], "initial": [2, 4, 2, 5, 3, 1, 6, 3, 1, 8], "start": 4}, "signs": [-1, -1, 1], "status": "proved", "verified_digits": 1010}',NULL,'e.jsonl','2026-11-29 21:29:10.932796');
CREATE TABLE conjecture_runs (
	conjecture_id VARCHAR(64) NOT NULL, 
	run_id INTEGER NOT NULL, 
	chunk_idx INTEGER NOT NULL, 
	rank INTEGER NOT NULL, 
	PRIMARY KEY (conjecture_id, run_id), 
	FOREIGN KEY(conjecture_id) REFERENCES conjectures (id), 
	FOREIGN KEY(run_id) REFERENCES runs (id)
);
INSERT INTO conjecture_runs VALUES('0015b5721bb18974',1,0,0);
INSERT INTO conjecture_runs VALUES('0081968f47c5a7b4',1,0,1);
CREATE TABLE verifications (
	id INTEGER NOT NULL, 
	conjecture_id VARCHAR(64) NOT NULL, 
	digits INTEGER NOT NULL, 
	terms INTEGER NOT NULL, 
	ok BOOLEAN NOT NULL, 
	at DATETIME NOT NULL, 
	esma_version VARCHAR(64), 
	PRIMARY KEY (id), 
	FOREIGN KEY(conjecture_id) REFERENCES conjectures (id)
);
INSERT INTO verifications VALUES(1,'0015b5721bb18974',1018,600,1,'2026-11-29 21:29:10.931681','0.1.0.dev0');
CREATE INDEX ix_conjectures_constant ON conjectures (constant);
CREATE INDEX ix_conjecture_runs_order ON conjecture_runs (run_id, chunk_idx, rank);
CREATE INDEX ix_verifications_conjecture_id ON verifications (conjecture_id);
COMMIT;
