-- A version-2 esma database (PostgreSQL), made by esma 0.1.0.dev0 at commit d7cd4fa as
-- store_v2.sqlite.sql was; then `pg_dump --inserts --no-owner --no-privileges --no-comments`
-- (its psql-only \restrict lines removed). tests/test_schema.py migrates it to the current
-- version.
--
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: chunks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.chunks (
    run_id integer NOT NULL,
    idx integer NOT NULL,
    done_at timestamp with time zone NOT NULL
);


--
-- Name: conjecture_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.conjecture_runs (
    conjecture_id character varying(64) NOT NULL,
    run_id integer NOT NULL,
    chunk_idx integer NOT NULL,
    rank integer NOT NULL
);


--
-- Name: conjectures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.conjectures (
    id character varying(64) NOT NULL,
    constant text NOT NULL,
    lhs text NOT NULL,
    lhs_value text NOT NULL,
    signs text NOT NULL,
    a_prefix text NOT NULL,
    recurrence text NOT NULL,
    quasi_polynomial text,
    verified_digits integer NOT NULL,
    convergence_rate double precision NOT NULL,
    formula text NOT NULL,
    latex text NOT NULL,
    record text NOT NULL,
    first_run integer,
    source text,
    created timestamp with time zone NOT NULL
);


--
-- Name: meta; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.meta (
    key character varying(64) NOT NULL,
    value text NOT NULL
);


--
-- Name: runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.runs (
    id integer NOT NULL,
    key character varying(64) NOT NULL,
    parameters text NOT NULL,
    total_chunks integer NOT NULL,
    started timestamp with time zone NOT NULL,
    finished timestamp with time zone,
    esma_version character varying(64) NOT NULL
);


--
-- Name: runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.runs_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: runs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.runs_id_seq OWNED BY public.runs.id;


--
-- Name: verifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.verifications (
    id integer NOT NULL,
    conjecture_id character varying(64) NOT NULL,
    digits integer NOT NULL,
    terms integer NOT NULL,
    ok boolean NOT NULL,
    at timestamp with time zone NOT NULL,
    esma_version character varying(64)
);


--
-- Name: verifications_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.verifications_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: verifications_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.verifications_id_seq OWNED BY public.verifications.id;


--
-- Name: runs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.runs ALTER COLUMN id SET DEFAULT nextval('public.runs_id_seq'::regclass);


--
-- Name: verifications id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.verifications ALTER COLUMN id SET DEFAULT nextval('public.verifications_id_seq'::regclass);


--
-- Data for Name: chunks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.chunks VALUES (1, 0, '2026-11-29 21:29:14.325809+00');


--
-- Data for Name: conjecture_runs; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.conjecture_runs VALUES ('0015b5721bb18974', 1, 0, 0);
INSERT INTO public.conjecture_runs VALUES ('0081968f47c5a7b4', 1, 0, 1);


--
-- Data for Name: conjectures; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.conjectures VALUES ('0015b5721bb18974', 'e', '(x - 1)/2', '0.859140914229522617680143735676331248878623546849979787483484', '[1, 1, -1, 1]', '[0, 1, 7, 1, 9, 14, 19, 1, 21, 26, 31, 1, 33, 38, 43, 1, 45, 50, 55, 1, 57, 62, 67, 1, 69, 74, 79, 1, 81, 86]', '{"charpoly": [1, 0, 0, 0, -2, 0, 0, 0, 1], "initial": [0, 1, 7, 1, 9, 14, 19, 1, 21, 26], "start": 2}', '{"period": 4, "polys": [[7, 12], [1], [9, 12], [14, 12]], "start": 2}', 1018, 4.1702, '(e - 1)/2 = 0 + 1/(1 + 1/(7 - 1/(1 + …))), a(2+4m) = 7 + 12m, a(3+4m) = 1, a(4+4m) = 9 + 12m, a(5+4m) = 14 + 12m', '\frac{e - 1}{2} = 0 + \cfrac{1}{1 + \cfrac{1}{7 - \cfrac{1}{1 + \ddots}}},\quad a_{2+4m} = 12m + 7,\ a_{3+4m} = 1,\ a_{4+4m} = 12m + 9,\ a_{5+4m} = 12m + 14', '{"a_prefix": [0, 1, 7, 1, 9, 14, 19, 1, 21, 26, 31, 1, 33, 38, 43, 1, 45, 50, 55, 1, 57, 62, 67, 1, 69, 74, 79, 1, 81, 86], "constant": "e", "convergence_rate": 4.1702, "formula": "(e - 1)/2 = 0 + 1/(1 + 1/(7 - 1/(1 + …))), a(2+4m) = 7 + 12m, a(3+4m) = 1, a(4+4m) = 9 + 12m, a(5+4m) = 14 + 12m", "id": "0015b5721bb18974", "latex": "\\frac{e - 1}{2} = 0 + \\cfrac{1}{1 + \\cfrac{1}{7 - \\cfrac{1}{1 + \\ddots}}},\\quad a_{2+4m} = 12m + 7,\\ a_{3+4m} = 1,\\ a_{4+4m} = 12m + 9,\\ a_{5+4m} = 12m + 14", "lhs": "(x - 1)/2", "lhs_value": "0.859140914229522617680143735676331248878623546849979787483484", "proof": {"E": [[7, 12], [1], [9, 12], [14, 12]], "L": 3, "M": [1, -1, 0, 2], "S": [[1], [1], [1], [-1]], "conv": 0, "j1": 0, "phase": 2, "prefix": [0, 1], "schedule": "cccececceccce", "square": false, "theorem": "e", "v": 1}, "quasi_polynomial": {"period": 4, "polys": [[7, 12], [1], [9, 12], [14, 12]], "start": 2}, "recurrence": {"charpoly": [1, 0, 0, 0, -2, 0, 0, 0, 1], "initial": [0, 1, 7, 1, 9, 14, 19, 1, 21, 26], "start": 2}, "signs": [1, 1, -1, 1], "status": "proved", "verified_digits": 1018}', 1, NULL, '2026-11-29 21:29:14.325809+00');
INSERT INTO public.conjectures VALUES ('0081968f47c5a7b4', 'e', 'x/(2*x + 2)', '0.365529289315002439625579620910918137182572320082528259638183', '[1]', '[0, 2, 1, 2, 1, 3, 1, 1, 1, 3, 3, 3, 1, 3, 1, 3, 5, 3, 1, 5, 1, 3, 7, 3, 1, 7, 1, 3, 9, 3]', '{"charpoly": [1, 0, 0, -1, 0, 0, -1, 0, 0, 1], "initial": [0, 2, 1, 2, 1, 3, 1, 1, 1, 3, 3, 3, 1], "start": 4}', '{"period": 6, "polys": [[1, 2], [3], [1], [1, 2], [1], [3]], "start": 4}', 1012, 1.8565, 'e/(2*e + 2) = 0 + 1/(2 + 1/(1 + 1/(2 + …))), a(4+6m) = 1 + 2m, a(5+6m) = 3, a(6+6m) = 1, a(7+6m) = 1 + 2m, a(8+6m) = 1, a(9+6m) = 3', '\frac{e}{2 e + 2} = 0 + \cfrac{1}{2 + \cfrac{1}{1 + \cfrac{1}{2 + \ddots}}},\quad a_{4+6m} = 2m + 1,\ a_{5+6m} = 3,\ a_{6+6m} = 1,\ a_{7+6m} = 2m + 1,\ a_{8+6m} = 1,\ a_{9+6m} = 3', '{"a_prefix": [0, 2, 1, 2, 1, 3, 1, 1, 1, 3, 3, 3, 1, 3, 1, 3, 5, 3, 1, 5, 1, 3, 7, 3, 1, 7, 1, 3, 9, 3], "constant": "e", "convergence_rate": 1.8565, "formula": "e/(2*e + 2) = 0 + 1/(2 + 1/(1 + 1/(2 + …))), a(4+6m) = 1 + 2m, a(5+6m) = 3, a(6+6m) = 1, a(7+6m) = 1 + 2m, a(8+6m) = 1, a(9+6m) = 3", "id": "0081968f47c5a7b4", "latex": "\\frac{e}{2 e + 2} = 0 + \\cfrac{1}{2 + \\cfrac{1}{1 + \\cfrac{1}{2 + \\ddots}}},\\quad a_{4+6m} = 2m + 1,\\ a_{5+6m} = 3,\\ a_{6+6m} = 1,\\ a_{7+6m} = 2m + 1,\\ a_{8+6m} = 1,\\ a_{9+6m} = 3", "lhs": "x/(2*x + 2)", "lhs_value": "0.365529289315002439625579620910918137182572320082528259638183", "proof": null, "quasi_polynomial": {"period": 6, "polys": [[1, 2], [3], [1], [1, 2], [1], [3]], "start": 4}, "recurrence": {"charpoly": [1, 0, 0, -1, 0, 0, -1, 0, 0, 1], "initial": [0, 2, 1, 2, 1, 3, 1, 1, 1, 3, 3, 3, 1], "start": 4}, "signs": [1], "status": "conjectured", "verified_digits": 1012}', 1, NULL, '2026-11-29 21:29:14.325809+00');
INSERT INTO public.conjectures VALUES ('002027550e34e9a4', 'e', 'x - 1', '1.71828182845904523536028747135266249775724709369995957496697', '[-1, -1, 1]', '[2, 4, 2, 5, 3, 1, 6, 3, 1, 8, 3, 1, 10, 3, 1, 12, 3, 1, 14, 3, 1, 16, 3, 1, 18, 3, 1, 20, 3, 1]', '{"charpoly": [1, 0, 0, -2, 0, 0, 1], "initial": [2, 4, 2, 5, 3, 1, 6, 3, 1, 8], "start": 4}', '{"period": 3, "polys": [[3], [1], [6, 2]], "start": 4}', 1010, 1.8539, 'e - 1 = 2 - 1/(4 - 1/(2 + 1/(5 - …))), a(4+3m) = 3, a(5+3m) = 1, a(6+3m) = 6 + 2m', 'e - 1 = 2 - \cfrac{1}{4 - \cfrac{1}{2 + \cfrac{1}{5 - \ddots}}},\quad a_{4+3m} = 3,\ a_{5+3m} = 1,\ a_{6+3m} = 2m + 6', '{"a_prefix": [2, 4, 2, 5, 3, 1, 6, 3, 1, 8, 3, 1, 10, 3, 1, 12, 3, 1, 14, 3, 1, 16, 3, 1, 18, 3, 1, 20, 3, 1], "constant": "e", "convergence_rate": 1.8539, "formula": "e - 1 = 2 - 1/(4 - 1/(2 + 1/(5 - …))), a(4+3m) = 3, a(5+3m) = 1, a(6+3m) = 6 + 2m", "id": "002027550e34e9a4", "latex": "e - 1 = 2 - \\cfrac{1}{4 - \\cfrac{1}{2 + \\cfrac{1}{5 - \\ddots}}},\\quad a_{4+3m} = 3,\\ a_{5+3m} = 1,\\ a_{6+3m} = 2m + 6", "lhs": "x - 1", "lhs_value": "1.71828182845904523536028747135266249775724709369995957496697", "proof": {"E": [[3], [1], [2, 2]], "L": 1, "M": [1, -1, 0, 1], "S": [[1], [1], [], [1]], "conv": 0, "j1": 2, "phase": 1, "prefix": [2, 4, 2, 5], "schedule": "ceceec", "square": false, "theorem": "e", "v": 1}, "quasi_polynomial": {"period": 3, "polys": [[3], [1], [6, 2]], "start": 4}, "recurrence": {"charpoly": [1, 0, 0, -2, 0, 0, 1], "initial": [2, 4, 2, 5, 3, 1, 6, 3, 1, 8], "start": 4}, "signs": [-1, -1, 1], "status": "proved", "verified_digits": 1010}', NULL, 'e.jsonl', '2026-11-29 21:29:14.425028+00');


--
-- Data for Name: meta; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.meta VALUES ('schema_version', '2');


--
-- Data for Name: runs; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.runs VALUES (1, 'ef90760ad1ee0d6f7e8183edc2076e742ef7c51fbc5987fe7067859b55a2373f', '{"chunk_lhs":16,"coeff":2,"constant":"e","degree":1,"depth":100,"digits":1000,"periods":[1,4],"prove":true,"threshold":0.25}', 2, '2026-11-29 21:29:14.319192+00', NULL, '0.1.0.dev0');


--
-- Data for Name: verifications; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.verifications VALUES (1, '0015b5721bb18974', 1018, 600, true, '2026-11-29 21:29:14.414882+00', '0.1.0.dev0');


--
-- Name: runs_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.runs_id_seq', 1, true);


--
-- Name: verifications_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.verifications_id_seq', 1, true);


--
-- Name: chunks chunks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chunks
    ADD CONSTRAINT chunks_pkey PRIMARY KEY (run_id, idx);


--
-- Name: conjecture_runs conjecture_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.conjecture_runs
    ADD CONSTRAINT conjecture_runs_pkey PRIMARY KEY (conjecture_id, run_id);


--
-- Name: conjectures conjectures_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.conjectures
    ADD CONSTRAINT conjectures_pkey PRIMARY KEY (id);


--
-- Name: meta meta_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.meta
    ADD CONSTRAINT meta_pkey PRIMARY KEY (key);


--
-- Name: runs runs_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.runs
    ADD CONSTRAINT runs_key_key UNIQUE (key);


--
-- Name: runs runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.runs
    ADD CONSTRAINT runs_pkey PRIMARY KEY (id);


--
-- Name: verifications verifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.verifications
    ADD CONSTRAINT verifications_pkey PRIMARY KEY (id);


--
-- Name: ix_conjecture_runs_order; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_conjecture_runs_order ON public.conjecture_runs USING btree (run_id, chunk_idx, rank);


--
-- Name: ix_conjectures_constant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_conjectures_constant ON public.conjectures USING btree (constant);


--
-- Name: ix_verifications_conjecture_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_verifications_conjecture_id ON public.verifications USING btree (conjecture_id);


--
-- Name: chunks chunks_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chunks
    ADD CONSTRAINT chunks_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.runs(id);


--
-- Name: conjecture_runs conjecture_runs_conjecture_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.conjecture_runs
    ADD CONSTRAINT conjecture_runs_conjecture_id_fkey FOREIGN KEY (conjecture_id) REFERENCES public.conjectures(id);


--
-- Name: conjecture_runs conjecture_runs_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.conjecture_runs
    ADD CONSTRAINT conjecture_runs_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.runs(id);


--
-- Name: conjectures conjectures_first_run_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.conjectures
    ADD CONSTRAINT conjectures_first_run_fkey FOREIGN KEY (first_run) REFERENCES public.runs(id);


--
-- Name: verifications verifications_conjecture_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.verifications
    ADD CONSTRAINT verifications_conjecture_id_fkey FOREIGN KEY (conjecture_id) REFERENCES public.conjectures(id);


--
-- PostgreSQL database dump complete
--


