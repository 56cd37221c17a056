/*
 * check_dispatch.c - the CP dispatcher (cp/dispatch.c): wake, run and wait; wakes during a run;
 * concurrent wakes (no double run, no lost wake); DSP_EXIT; timed waits; fair shares; the
 * latency of a sleeper among CPU-bound tasks, and the order of sleepers; many tasks; stopping
 * with tasks queued; an idle dispatcher's CPU use; bad arguments.
 *
 * Run callbacks execute on the dispatcher's threads, where a Check assertion must not fire: they
 * record what they see in atomics and the test's thread asserts. Timing bounds are generous so
 * that a busy two-core machine (or a sanitizer build) passes.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cp/dispatch.h"
#include "tests/check_run.h"

#define MS 1000000ull

static uint64_t clock_now(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_now(CLOCK_MONOTONIC);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Polls until *v >= want or ms pass; true if it got there. */
static bool wait_for(atomic_int *v, int want, unsigned ms)
{
	uint64_t end = now_ns() + ms * MS;
	while (atomic_load(v) < want) {
		if (now_ns() > end)
			return false;
		sleep_ms(1);
	}
	return true;
}

/* Spins for ns of this thread's CPU time: a CPU-bound slice. */
static void spin_cpu(uint64_t ns)
{
	uint64_t end = clock_now(CLOCK_THREAD_CPUTIME_ID) + ns;
	while (clock_now(CLOCK_THREAD_CPUTIME_ID) < end)
		;
}

/* ---- A task that counts its runs and returns a fixed verdict ---- */

struct counter {
	atomic_int runs;
	enum dsp_verdict verdict;
};

static enum dsp_verdict run_count(void *arg, struct dsp_slice *s)
{
	struct counter *c = arg;
	(void)s;
	atomic_fetch_add(&c->runs, 1);
	return c->verdict;
}

START_TEST(test_a_task_runs_only_when_woken_and_waits_after_returning_wait)
{
	struct dsp *d = dsp_new(2, 1 * MS);
	ck_assert_ptr_nonnull(d);
	struct counter c = {.verdict = DSP_WAIT};
	struct dsp_task *t = dsp_task_new(d, run_count, &c, 0);
	ck_assert_ptr_nonnull(t);

	struct dsp_stats st;
	dsp_stats(d, &st);
	ck_assert_uint_eq(st.threads, 2);
	ck_assert_uint_eq(st.tasks, 1);
	ck_assert_uint_eq(st.waiting, 1);
	sleep_ms(20);
	ck_assert_int_eq(atomic_load(&c.runs), 0);	/* not queued until woken */

	for (int i = 1; i <= 3; i++) {
		dsp_wake(t);
		ck_assert(wait_for(&c.runs, i, 2000));
		sleep_ms(20);
		ck_assert_int_eq(atomic_load(&c.runs), i);	/* WAIT: no run until the next wake */
	}
	dsp_stats(d, &st);
	ck_assert_uint_eq(st.tasks, 1);
	ck_assert_uint_eq(st.ready, 0);
	ck_assert_uint_eq(st.running, 0);
	ck_assert_uint_eq(st.waiting, 1);
	ck_assert_uint_eq(st.runs, 3);
	dsp_task_unref(t);
	dsp_stats(d, &st);
	ck_assert_uint_eq(st.tasks, 0);
	dsp_free(d);
}
END_TEST

/* ---- A task whose first run holds until the test lets it go ---- */

struct gate {
	atomic_int runs, in_run, release;
	enum dsp_verdict verdict;
};

static enum dsp_verdict run_gate(void *arg, struct dsp_slice *s)
{
	struct gate *g = arg;
	(void)s;
	if (atomic_fetch_add(&g->runs, 1) == 0) {
		atomic_store(&g->in_run, 1);
		for (int i = 0; i < 5000 && !atomic_load(&g->release); i++)
			sleep_ms(1);
	}
	return g->verdict;
}

START_TEST(test_a_wake_during_a_run_runs_the_task_again_though_it_returned_wait)
{
	struct dsp *d = dsp_new(2, 1 * MS);
	struct gate g = {.verdict = DSP_WAIT};
	struct dsp_task *t = dsp_task_new(d, run_gate, &g, 0);
	dsp_wake(t);
	ck_assert(wait_for(&g.in_run, 1, 2000));
	dsp_wake(t);
	dsp_wake(t);	/* wakes during one run make one more run */
	atomic_store(&g.release, 1);
	ck_assert(wait_for(&g.runs, 2, 2000));
	sleep_ms(30);
	ck_assert_int_eq(atomic_load(&g.runs), 2);
	dsp_task_unref(t);
	dsp_free(d);
}
END_TEST

START_TEST(test_exit_is_final_even_with_a_wake_during_the_run_and_later_wakes_do_nothing)
{
	struct dsp *d = dsp_new(2, 1 * MS);
	struct gate g = {.verdict = DSP_EXIT};
	struct dsp_task *t = dsp_task_new(d, run_gate, &g, 0);
	dsp_wake(t);
	ck_assert(wait_for(&g.in_run, 1, 2000));
	dsp_wake(t);
	atomic_store(&g.release, 1);
	sleep_ms(30);
	dsp_wake(t);
	dsp_wake(t);
	sleep_ms(30);
	ck_assert_int_eq(atomic_load(&g.runs), 1);

	struct dsp_stats st;
	dsp_stats(d, &st);
	ck_assert_uint_eq(st.tasks, 1);		/* the caller still holds it */
	ck_assert_uint_eq(st.waiting, 0);
	ck_assert_uint_eq(st.ready, 0);
	dsp_task_unref(t);
	dsp_stats(d, &st);
	ck_assert_uint_eq(st.tasks, 0);
	dsp_free(d);
}
END_TEST

/* ---- Many threads waking one task ---- */

struct hammer {
	atomic_int running, overlaps;
	atomic_long posted, consumed;
	struct dsp_task *t;
};

#define HAMMER_THREADS 4
#define HAMMER_WAKES 20000

static enum dsp_verdict run_hammer(void *arg, struct dsp_slice *s)
{
	struct hammer *h = arg;
	(void)s;
	if (atomic_fetch_add(&h->running, 1) != 0)
		atomic_fetch_add(&h->overlaps, 1);
	atomic_fetch_add(&h->consumed, atomic_exchange(&h->posted, 0));
	for (volatile int i = 0; i < 2000; i++)
		;
	atomic_fetch_sub(&h->running, 1);
	return DSP_WAIT;
}

static void *hammer_main(void *arg)
{
	struct hammer *h = arg;
	for (int i = 0; i < HAMMER_WAKES; i++) {
		atomic_fetch_add(&h->posted, 1);
		dsp_wake(h->t);
	}
	return NULL;
}

START_TEST(test_concurrent_wakes_never_run_a_task_twice_at_once_and_none_is_lost)
{
	struct dsp *d = dsp_new(4, 1 * MS);
	struct hammer h = {0};
	h.t = dsp_task_new(d, run_hammer, &h, 0);
	pthread_t tid[HAMMER_THREADS];
	for (int i = 0; i < HAMMER_THREADS; i++)
		ck_assert_int_eq(pthread_create(&tid[i], NULL, hammer_main, &h), 0);
	for (int i = 0; i < HAMMER_THREADS; i++)
		pthread_join(tid[i], NULL);

	long total = (long)HAMMER_THREADS * HAMMER_WAKES;
	uint64_t end = now_ns() + 3000 * MS;
	while (atomic_load(&h.consumed) < total && now_ns() < end)
		sleep_ms(1);
	ck_assert_int_eq(atomic_load(&h.consumed), total);	/* every wake led to a run after it */
	ck_assert_int_eq(atomic_load(&h.overlaps), 0);
	struct dsp_stats st;
	dsp_stats(d, &st);
	ck_assert_uint_ge(st.runs, 1);
	ck_assert_uint_le(st.runs, (uint64_t)total);
	dsp_task_unref(h.t);
	dsp_free(d);
}
END_TEST

/* ---- Run callbacks that wake each other ---- */

#define PINGPONG 2000

struct player {
	struct dsp_task *other;
	atomic_int *volleys;
};

static enum dsp_verdict run_player(void *arg, struct dsp_slice *s)
{
	struct player *p = arg;
	(void)s;
	if (atomic_fetch_add(p->volleys, 1) + 1 < PINGPONG)
		dsp_wake(p->other);
	return DSP_WAIT;
}

START_TEST(test_run_callbacks_may_wake_other_tasks)
{
	struct dsp *d = dsp_new(2, 1 * MS);
	atomic_int volleys = 0;
	struct player a = {.volleys = &volleys}, b = {.volleys = &volleys};
	struct dsp_task *ta = dsp_task_new(d, run_player, &a, 0);
	struct dsp_task *tb = dsp_task_new(d, run_player, &b, 0);
	a.other = tb;
	b.other = ta;
	dsp_wake(ta);
	ck_assert(wait_for(&volleys, PINGPONG, 3000));
	sleep_ms(10);
	ck_assert_int_eq(atomic_load(&volleys), PINGPONG);
	dsp_task_unref(ta);
	dsp_task_unref(tb);
	dsp_free(d);
}
END_TEST

/* ---- Timed waits ---- */

struct timed {
	uint64_t deadline, fired;
	atomic_int runs;
	int order;
};

static atomic_int fire_order;

static enum dsp_verdict run_timed(void *arg, struct dsp_slice *s)
{
	struct timed *tm = arg;
	if (atomic_load(&tm->runs) == 0) {
		s->wake_at = tm->deadline;
		atomic_store(&tm->runs, 1);
		return DSP_WAIT;
	}
	tm->fired = now_ns();
	tm->order = atomic_fetch_add(&fire_order, 1);
	atomic_store(&tm->runs, 2);
	return DSP_EXIT;
}

START_TEST(test_timed_waits_fire_in_deadline_order_and_never_early)
{
	static const unsigned after_ms[] = {50, 20, 40, 30, 60};	/* ranks 3 0 2 1 4 */
	static const int rank[] = {3, 0, 2, 1, 4};
	enum { N = sizeof after_ms / sizeof after_ms[0] };
	struct dsp *d = dsp_new(2, 1 * MS);
	struct timed tm[N] = {0};
	struct dsp_task *t[N];
	uint64_t base = now_ns();
	atomic_store(&fire_order, 0);
	for (int i = 0; i < N; i++) {
		tm[i].deadline = base + after_ms[i] * MS;
		t[i] = dsp_task_new(d, run_timed, &tm[i], 0);
		dsp_wake(t[i]);
	}
	for (int i = 0; i < N; i++)
		ck_assert(wait_for(&tm[i].runs, 2, 3000));
	for (int i = 0; i < N; i++) {
		ck_assert_uint_ge(tm[i].fired, tm[i].deadline);
		ck_assert_uint_lt(tm[i].fired, tm[i].deadline + 250 * MS);
		ck_assert_int_eq(tm[i].order, rank[i]);
		dsp_task_unref(t[i]);
	}
	dsp_free(d);
}
END_TEST

START_TEST(test_a_wake_before_the_deadline_runs_a_timed_task_at_once)
{
	struct dsp *d = dsp_new(1, 1 * MS);
	struct timed tm = {.deadline = now_ns() + 10000 * MS};
	struct dsp_task *t = dsp_task_new(d, run_timed, &tm, 0);
	dsp_wake(t);
	ck_assert(wait_for(&tm.runs, 1, 2000));
	sleep_ms(10);
	uint64_t woke = now_ns();
	dsp_wake(t);
	ck_assert(wait_for(&tm.runs, 2, 2000));
	ck_assert_uint_lt(tm.fired, tm.deadline);
	ck_assert_uint_lt(tm.fired - woke, 500 * MS);
	dsp_task_unref(t);
	dsp_free(d);
}
END_TEST

/* ---- CPU-bound tasks ---- */

struct busy {
	atomic_int *stop;
	atomic_int runs;
};

static enum dsp_verdict run_busy(void *arg, struct dsp_slice *s)
{
	struct busy *b = arg;
	atomic_fetch_add(&b->runs, 1);
	spin_cpu(s->ns);
	return atomic_load(b->stop) ? DSP_EXIT : DSP_READY;
}

START_TEST(test_two_cpu_bound_tasks_share_one_thread_in_the_ratio_of_their_shares)
{
	struct dsp *d = dsp_new(1, 2 * MS);
	atomic_int stop = 0;
	struct busy b1 = {.stop = &stop}, b3 = {.stop = &stop};
	struct dsp_task *t1 = dsp_task_new(d, run_busy, &b1, 100);
	struct dsp_task *t3 = dsp_task_new(d, run_busy, &b3, 300);
	dsp_wake(t1);
	dsp_wake(t3);
	sleep_ms(600);
	double c1 = (double)dsp_task_cpu_ns(t1), c3 = (double)dsp_task_cpu_ns(t3);
	atomic_store(&stop, 1);
	ck_assert(c1 > 0);
	double ratio = c3 / c1;
	ck_assert_msg(ratio >= 2.2 && ratio <= 4.0, "cpu ratio %.2f (%.0f / %.0f ns)", ratio, c3, c1);

	struct dsp_stats st;
	dsp_stats(d, &st);
	ck_assert_uint_ge(st.busy_ns, (uint64_t)(c1 + c3));
	dsp_free(d);
	dsp_task_unref(t1);
	dsp_task_unref(t3);
}
END_TEST

struct sleeper {
	_Atomic uint64_t woken_at;
	atomic_int runs;
	uint64_t latency[64];
};

static enum dsp_verdict run_sleeper(void *arg, struct dsp_slice *s)
{
	struct sleeper *z = arg;
	(void)s;
	int n = atomic_load(&z->runs);
	if (n < 64)
		z->latency[n] = now_ns() - atomic_load(&z->woken_at);
	atomic_store(&z->runs, n + 1);
	return DSP_WAIT;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

START_TEST(test_a_woken_sleeper_runs_within_a_few_slices_among_50_cpu_bound_tasks)
{
	enum { BUSY = 50, WAKES = 25 };
	struct dsp *d = dsp_new(1, 2 * MS);
	atomic_int stop = 0;
	struct busy b[BUSY];
	struct dsp_task *bt[BUSY];
	for (int i = 0; i < BUSY; i++) {
		b[i] = (struct busy){.stop = &stop};
		bt[i] = dsp_task_new(d, run_busy, &b[i], 0);
		dsp_wake(bt[i]);
		dsp_task_unref(bt[i]);	/* the dispatcher holds them while they are ready */
	}
	struct sleeper *z = calloc(1, sizeof *z);
	struct dsp_task *t = dsp_task_new(d, run_sleeper, z, 0);
	sleep_ms(60);
	for (int i = 0; i < WAKES; i++) {
		sleep_ms(20);
		atomic_store(&z->woken_at, now_ns());
		dsp_wake(t);
		ck_assert(wait_for(&z->runs, i + 1, 2000));
	}
	qsort(z->latency, WAKES, sizeof z->latency[0], cmp_u64);
	uint64_t median = z->latency[WAKES / 2];
	ck_assert_msg(median < 20 * MS, "median wake-to-run latency %.2f ms",
		      (double)median / (double)MS);
	atomic_store(&stop, 1);
	dsp_free(d);
	dsp_task_unref(t);
	free(z);
}
END_TEST

/* Records at each run how many runs of the busy tasks came before it, then waits. */
struct witness {
	atomic_int runs;
	int seen;
};

static atomic_int busy_runs, witness_order;

static enum dsp_verdict run_busy_counted(void *arg, struct dsp_slice *s)
{
	atomic_fetch_add(&busy_runs, 1);
	return run_busy(arg, s);
}

static enum dsp_verdict run_witness(void *arg, struct dsp_slice *s)
{
	struct witness *w = arg;
	(void)s;
	w->seen = atomic_load(&busy_runs);
	atomic_fetch_add(&w->runs, 1);
	return DSP_WAIT;
}

START_TEST(test_a_sleeper_woken_among_new_tasks_that_never_ran_goes_first)
{
	enum { BUSY = 20 };
	struct dsp *d = dsp_new(1, 5 * MS);
	atomic_int stop = 0;
	struct busy b[BUSY];
	struct dsp_task *bt[BUSY];
	struct witness w = {0};
	struct dsp_task *t = dsp_task_new(d, run_witness, &w, 0);
	dsp_wake(t);
	ck_assert(wait_for(&w.runs, 1, 2000));	/* now a sleeper, not a new task */
	atomic_store(&busy_runs, 0);
	for (int i = 0; i < BUSY; i++) {
		b[i] = (struct busy){.stop = &stop};
		bt[i] = dsp_task_new(d, run_busy_counted, &b[i], 0);
		dsp_wake(bt[i]);
	}
	dsp_wake(t);
	ck_assert(wait_for(&w.runs, 2, 2000));
	/* Only the run in progress when it woke (and perhaps the next) came first, not all 20. */
	ck_assert_int_le(w.seen, 2);
	atomic_store(&stop, 1);
	dsp_free(d);
	for (int i = 0; i < BUSY; i++)
		dsp_task_unref(bt[i]);
	dsp_task_unref(t);
}
END_TEST

/* A CPU-bound task that notes, after an urgent wake, how many busy runs came before its next. */
struct urgent_task {
	atomic_int *stop;
	atomic_int armed;	/* set with the urgent wake; the next run records and clears it */
	atomic_int base, seen, done;
};

static enum dsp_verdict run_urgent(void *arg, struct dsp_slice *s)
{
	struct urgent_task *u = arg;
	if (atomic_exchange(&u->armed, 0)) {
		atomic_store(&u->seen, atomic_load(&busy_runs) - atomic_load(&u->base));
		atomic_store(&u->done, 1);
	}
	spin_cpu(s->ns);
	return atomic_load(u->stop) ? DSP_EXIT : DSP_READY;
}

START_TEST(test_an_urgent_wake_puts_a_ready_cpu_bound_task_ahead_of_the_others)
{
	enum { BUSY = 20 };
	struct dsp *d = dsp_new(1, 2 * MS);
	atomic_int stop = 0;
	struct busy b[BUSY];
	struct dsp_task *bt[BUSY];
	struct urgent_task u = {.stop = &stop};
	struct dsp_task *t = dsp_task_new(d, run_urgent, &u, 0);
	dsp_wake(t);
	for (int i = 0; i < BUSY; i++) {
		b[i] = (struct busy){.stop = &stop};
		bt[i] = dsp_task_new(d, run_busy_counted, &b[i], 0);
		dsp_wake(bt[i]);
	}
	sleep_ms(100);	/* everyone has run a few times: all ready, in turn */
	atomic_store(&u.base, atomic_load(&busy_runs));
	atomic_store(&u.armed, 1);
	dsp_wake_urgent(t);
	ck_assert(wait_for(&u.done, 1, 2000));
	/* Without the urgent wake it would wait its turn behind up to 20 others. */
	ck_assert_int_le(atomic_load(&u.seen), 3);
	atomic_store(&stop, 1);
	dsp_free(d);
	for (int i = 0; i < BUSY; i++)
		dsp_task_unref(bt[i]);
	dsp_task_unref(t);
}
END_TEST

static enum dsp_verdict run_in_order(void *arg, struct dsp_slice *s)
{
	struct witness *w = arg;
	(void)s;
	w->seen = atomic_fetch_add(&witness_order, 1);
	atomic_fetch_add(&w->runs, 1);
	return DSP_WAIT;
}

START_TEST(test_sleepers_woken_while_the_thread_is_busy_run_in_wake_order)
{
	enum { N = 8 };
	struct dsp *d = dsp_new(1, 1 * MS);
	struct gate g = {.verdict = DSP_WAIT};
	struct dsp_task *tg = dsp_task_new(d, run_gate, &g, 0);
	struct witness w[N] = {0};
	struct dsp_task *t[N];
	for (int i = 0; i < N; i++)
		t[i] = dsp_task_new(d, run_in_order, &w[i], 0);
	atomic_store(&witness_order, 0);
	dsp_wake(tg);
	ck_assert(wait_for(&g.in_run, 1, 2000));
	for (int i = 0; i < N; i++)
		dsp_wake(t[i]);
	atomic_store(&g.release, 1);
	for (int i = 0; i < N; i++) {
		ck_assert(wait_for(&w[i].runs, 1, 2000));
		ck_assert_int_eq(w[i].seen, i);
	}
	dsp_free(d);
	for (int i = 0; i < N; i++)
		dsp_task_unref(t[i]);
	dsp_task_unref(tg);
}
END_TEST

/* ---- Many tasks ---- */

enum { MANY = 1000 };
static atomic_int many_exits;

static enum dsp_verdict run_three_times(void *arg, struct dsp_slice *s)
{
	struct counter *c = arg;
	(void)s;
	if (atomic_fetch_add(&c->runs, 1) + 1 < 3)
		return DSP_READY;
	atomic_fetch_add(&many_exits, 1);
	return DSP_EXIT;
}

START_TEST(test_a_thousand_tasks_run_three_times_each_exit_and_are_freed)
{
	struct dsp *d = dsp_new(2, 1 * MS);
	struct counter *c = calloc(MANY, sizeof *c);
	atomic_store(&many_exits, 0);
	for (int i = 0; i < MANY; i++) {
		struct dsp_task *t = dsp_task_new(d, run_three_times, &c[i], 1 + (unsigned)i % 500);
		ck_assert_ptr_nonnull(t);
		dsp_wake(t);
		dsp_task_unref(t);
	}
	ck_assert(wait_for(&many_exits, MANY, 5000));
	struct dsp_stats st;
	uint64_t end = now_ns() + 2000 * MS;
	for (dsp_stats(d, &st); st.tasks && now_ns() < end; dsp_stats(d, &st))
		sleep_ms(1);
	ck_assert_uint_eq(st.tasks, 0);	/* the dispatcher's references were the last */
	ck_assert_uint_eq(st.runs, 3 * MANY);
	for (int i = 0; i < MANY; i++)
		ck_assert_int_eq(atomic_load(&c[i].runs), 3);
	dsp_free(d);
	free(c);
}
END_TEST

/* ---- Stopping ---- */

static enum dsp_verdict run_wait_far(void *arg, struct dsp_slice *s)
{
	struct counter *c = arg;
	atomic_fetch_add(&c->runs, 1);
	s->wake_at = now_ns() + 10000 * MS;
	return DSP_WAIT;
}

START_TEST(test_free_drops_ready_and_waiting_tasks_without_running_them)
{
	struct dsp *d = dsp_new(1, 1 * MS);
	struct counter timed = {0}, idle = {.verdict = DSP_WAIT};
	struct counter r1 = {.verdict = DSP_READY}, r2 = {.verdict = DSP_READY};
	struct gate g = {.verdict = DSP_READY};
	struct dsp_task *tt = dsp_task_new(d, run_wait_far, &timed, 0);
	struct dsp_task *ti = dsp_task_new(d, run_count, &idle, 0);
	struct dsp_task *tg = dsp_task_new(d, run_gate, &g, 0);
	struct dsp_task *t1 = dsp_task_new(d, run_count, &r1, 0);
	struct dsp_task *t2 = dsp_task_new(d, run_count, &r2, 0);
	struct dsp_task *never = dsp_task_new(d, run_count, &r2, 0);
	dsp_wake(tt);
	dsp_wake(ti);
	ck_assert(wait_for(&timed.runs, 1, 2000));
	ck_assert(wait_for(&idle.runs, 1, 2000));
	dsp_wake(tg);
	ck_assert(wait_for(&g.in_run, 1, 2000));	/* the one thread is held: r1, r2 queue */
	dsp_wake(t1);
	dsp_wake(t2);
	dsp_task_unref(t2);	/* only the dispatcher holds t2 now */

	struct dsp_stats st;
	dsp_stats(d, &st);
	ck_assert_uint_eq(st.tasks, 6);
	ck_assert_uint_eq(st.ready, 2);
	ck_assert_uint_eq(st.running, 1);
	ck_assert_uint_eq(st.waiting, 3);

	atomic_store(&g.release, 1);
	dsp_free(d);	/* waits for the gate's run; r1, r2 never start */
	ck_assert_int_eq(atomic_load(&g.runs), 1);
	ck_assert_int_eq(atomic_load(&r1.runs), 0);
	ck_assert_int_eq(atomic_load(&r2.runs), 0);
	ck_assert_int_eq(atomic_load(&timed.runs), 1);

	/* What the caller holds stays usable; a wake does nothing. */
	dsp_wake(t1);
	dsp_wake(tt);
	ck_assert_int_eq(atomic_load(&r1.runs), 0);
	ck_assert_uint_eq(dsp_task_cpu_ns(t1), 0);
	ck_assert_uint_gt(dsp_task_cpu_ns(tg), 0);
	dsp_task_unref(never);
	dsp_task_unref(tt);
	dsp_task_unref(ti);
	dsp_task_unref(tg);
	dsp_task_unref(t1);	/* the last one frees the dispatcher (ASan tells) */
}
END_TEST

START_TEST(test_an_idle_dispatcher_uses_no_cpu)
{
	struct dsp *d = dsp_new(4, 1 * MS);
	struct counter timed = {0};
	struct dsp_task *t = dsp_task_new(d, run_wait_far, &timed, 0);
	dsp_wake(t);
	ck_assert(wait_for(&timed.runs, 1, 2000));
	sleep_ms(10);
	uint64_t c0 = clock_now(CLOCK_PROCESS_CPUTIME_ID);
	sleep_ms(200);
	uint64_t used = clock_now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	ck_assert_msg(used < 10 * MS, "idle dispatcher used %.2f ms of CPU", (double)used / (double)MS);
	dsp_task_unref(t);
	dsp_free(d);
}
END_TEST

/* ---- Arguments ---- */

START_TEST(test_bad_arguments_are_refused_with_einval)
{
	errno = 0;
	ck_assert_ptr_null(dsp_new(DSP_THREADS_MAX + 1, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(dsp_new(1, (uint64_t)DSP_SLICE_MAX + 1));
	ck_assert_int_eq(errno, EINVAL);

	struct dsp *d = dsp_new(0, 0);
	ck_assert_ptr_nonnull(d);
	struct dsp_stats st;
	dsp_stats(d, &st);
	ck_assert_uint_eq(st.threads, (unsigned)sysconf(_SC_NPROCESSORS_ONLN));

	struct counter c = {0};
	errno = 0;
	ck_assert_ptr_null(dsp_task_new(d, NULL, &c, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(dsp_task_new(d, run_count, &c, DSP_SHARE_MAX + 1));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(dsp_task_new(NULL, run_count, &c, 0));

	struct dsp_task *t = dsp_task_new(d, run_count, &c, 0);
	ck_assert_uint_eq(dsp_task_share(t), DSP_SHARE_DEFAULT);
	ck_assert_int_eq(dsp_set_share(t, 0), EINVAL);
	ck_assert_int_eq(dsp_set_share(t, DSP_SHARE_MAX + 1), EINVAL);
	ck_assert_uint_eq(dsp_task_share(t), DSP_SHARE_DEFAULT);
	ck_assert_int_eq(dsp_set_share(t, DSP_SHARE_MIN), 0);
	ck_assert_uint_eq(dsp_task_share(t), DSP_SHARE_MIN);
	ck_assert_int_eq(dsp_set_share(t, DSP_SHARE_MAX), 0);
	ck_assert_uint_eq(dsp_task_share(t), DSP_SHARE_MAX);

	dsp_task_unref(t);
	dsp_task_unref(NULL);
	dsp_free(d);
	dsp_free(NULL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dispatch");
	TCase *tc = tcase_create("dispatch");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_a_task_runs_only_when_woken_and_waits_after_returning_wait);
	tcase_add_test(tc, test_a_wake_during_a_run_runs_the_task_again_though_it_returned_wait);
	tcase_add_test(tc, test_exit_is_final_even_with_a_wake_during_the_run_and_later_wakes_do_nothing);
	tcase_add_test(tc, test_concurrent_wakes_never_run_a_task_twice_at_once_and_none_is_lost);
	tcase_add_test(tc, test_run_callbacks_may_wake_other_tasks);
	tcase_add_test(tc, test_timed_waits_fire_in_deadline_order_and_never_early);
	tcase_add_test(tc, test_a_wake_before_the_deadline_runs_a_timed_task_at_once);
	tcase_add_test(tc, test_two_cpu_bound_tasks_share_one_thread_in_the_ratio_of_their_shares);
	tcase_add_test(tc, test_a_woken_sleeper_runs_within_a_few_slices_among_50_cpu_bound_tasks);
	tcase_add_test(tc, test_a_sleeper_woken_among_new_tasks_that_never_ran_goes_first);
	tcase_add_test(tc, test_sleepers_woken_while_the_thread_is_busy_run_in_wake_order);
	tcase_add_test(tc, test_a_thousand_tasks_run_three_times_each_exit_and_are_freed);
	tcase_add_test(tc, test_free_drops_ready_and_waiting_tasks_without_running_them);
	tcase_add_test(tc, test_an_idle_dispatcher_uses_no_cpu);
	tcase_add_test(tc, test_an_urgent_wake_puts_a_ready_cpu_bound_task_ahead_of_the_others);
	tcase_add_test(tc, test_bad_arguments_are_refused_with_einval);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
