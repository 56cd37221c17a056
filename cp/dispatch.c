/*
 * dispatch.c - the CP dispatcher: a pool of host threads running tasks with fair shares. The
 * contract is in dispatch.h.
 *
 * STATE. A task is in exactly one state, changed only under d->lock:
 *
 *	IDLE	new, or waiting with no deadline; in no queue; the dispatcher holds no reference
 *	READY	in d->ready (a min-heap on vtime, then seq); the dispatcher holds a reference
 *	RUNNING	a worker's cur; the dispatcher holds a reference; woken records a wake meanwhile
 *	TIMED	in d->timers (a min-heap on wake_at, then seq); the dispatcher holds a reference
 *	EXITED	final; in no queue; the dispatcher holds no reference
 *
 * The dispatcher's reference is dropped (IDLE, EXITED, or at dsp_free()) outside d->lock,
 * because the last unref takes d->lock to take the task off d's books. Every task is in at most
 * one heap, and dsp_task_new() grows both heaps to hold every task, so a push never allocates.
 *
 * IDLE THREADS. A worker with nothing ready sleeps. While timed waits exist, exactly one idle
 * worker (the keeper) sleeps on d->tick until the earliest deadline; the others sleep on d->work
 * with no timeout. kick() wakes a sleeper when a task becomes ready; a worker that takes a task
 * passes the kick on if more are ready, and hands the keeper's job to an idle worker if it was
 * the keeper. A new earliest deadline wakes the keeper to shorten its sleep.
 *
 * LOCKS. One mutex per dispatcher (d->lock) guards everything marked "under lock" below, in the
 * dispatcher and in its tasks. Nothing else is locked; no callback is called with it held.
 */
#include "cp/dispatch.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum task_state { T_IDLE, T_READY, T_RUNNING, T_TIMED, T_EXITED };

struct dsp_task {
	/* Constant. */
	struct dsp *d;
	dsp_run_fn *fn;
	void *arg;
	/* Atomic. */
	atomic_uint refs;
	atomic_uint share;
	_Atomic uint64_t cpu_ns;
	/* Under d->lock. */
	enum task_state state;
	bool woken;		/* RUNNING: dsp_wake() came during the run */
	bool started;		/* has been queued before: not new */
	uint64_t vtime;		/* virtual time: charged ns scaled by DSP_SHARE_DEFAULT / share */
	uint64_t wake_at;	/* TIMED: the deadline */
	uint64_t seq;		/* order of queueing: first come first served among equal keys */
	size_t idx;		/* READY, TIMED: index in its heap */
};

/* A binary min-heap of tasks; less() orders it. */
struct heap {
	struct dsp_task **v;
	size_t n, cap;
	bool (*less)(const struct dsp_task *a, const struct dsp_task *b);
};

struct worker {
	struct dsp *d;
	pthread_t tid;
	struct dsp_task *cur;	/* under d->lock: the task this worker runs, or NULL */
};

struct dsp {
	/* Constant after dsp_new(). */
	uint64_t slice_ns;
	unsigned nthreads;
	struct worker *workers;
	pthread_mutex_t lock;
	pthread_cond_t work;	/* idle workers without a deadline */
	pthread_cond_t tick;	/* the keeper: the idle worker that waits for the earliest deadline */
	/* Under lock. */
	bool stopping;		/* dsp_free() began: no run starts, no wake queues */
	bool freed;		/* dsp_free() is done: the last task's unref frees d */
	bool keeper;		/* a worker waits on tick */
	unsigned nidle;		/* workers waiting on work */
	struct heap ready, timers;
	size_t ntasks;		/* tasks not yet freed */
	size_t nexited;		/* ... of which EXITED */
	size_t nrunning;
	uint64_t seq;
	uint64_t vmin;		/* the virtual clock: the least vtime of ready and running tasks
				   when last looked at (a wake, a run starting); never goes back */
	uint64_t runs, busy_ns;
};

/*
 * Where the virtual clock starts: far above any slice (DSP_SLICE_MAX), so that "least vtime
 * less one slice" never stops at zero, where a woken task would tie with (and queue behind)
 * new tasks that have not run yet. 2^40 ns is 18 minutes; at share 1 a task's vtime moves 100
 * times faster than the host's clock, which leaves years before a 64-bit vtime runs out.
 */
#define VTIME_ORIGIN ((uint64_t)1 << 40)

/* The dispatcher whose worker this thread is, to catch dsp_free() from a run callback. */
static _Thread_local struct dsp *dsp_self;

/* ---- Clocks ---- */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- Heaps ---- */

static bool ready_less(const struct dsp_task *a, const struct dsp_task *b)
{
	return a->vtime != b->vtime ? a->vtime < b->vtime : a->seq < b->seq;
}

static bool timer_less(const struct dsp_task *a, const struct dsp_task *b)
{
	return a->wake_at != b->wake_at ? a->wake_at < b->wake_at : a->seq < b->seq;
}

static void heap_set(struct heap *h, size_t i, struct dsp_task *t)
{
	h->v[i] = t;
	t->idx = i;
}

static void heap_up(struct heap *h, size_t i)
{
	struct dsp_task *t = h->v[i];
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!h->less(t, h->v[p]))
			break;
		heap_set(h, i, h->v[p]);
		i = p;
	}
	heap_set(h, i, t);
}

static void heap_down(struct heap *h, size_t i)
{
	struct dsp_task *t = h->v[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->less(h->v[c + 1], h->v[c]))
			c++;
		if (!h->less(h->v[c], t))
			break;
		heap_set(h, i, h->v[c]);
		i = c;
	}
	heap_set(h, i, t);
}

/* Room is reserved by dsp_task_new(): a push never fails. */
static void heap_push(struct heap *h, struct dsp_task *t)
{
	assert(h->n < h->cap);
	heap_set(h, h->n++, t);
	heap_up(h, h->n - 1);
}

static void heap_remove(struct heap *h, struct dsp_task *t)
{
	size_t i = t->idx;
	assert(i < h->n && h->v[i] == t);
	struct dsp_task *last = h->v[--h->n];
	if (i == h->n)
		return;
	heap_set(h, i, last);
	heap_up(h, i);
	heap_down(h, last->idx);
}

static struct dsp_task *heap_pop(struct heap *h)
{
	struct dsp_task *t = h->v[0];
	heap_remove(h, t);
	return t;
}

static int heap_reserve(struct heap *h, size_t want)
{
	if (want <= h->cap)
		return 0;
	size_t cap = h->cap ? h->cap : 16;
	while (cap < want)
		cap *= 2;
	struct dsp_task **v = realloc(h->v, cap * sizeof *v);
	if (!v)
		return ENOMEM;
	h->v = v;
	h->cap = cap;
	return 0;
}

/* ---- Scheduling (under lock) ---- */

/* Wake an idle worker for a ready task: one without a deadline, else the keeper. */
static void kick(struct dsp *d)
{
	if (d->nidle)
		pthread_cond_signal(&d->work);
	else if (d->keeper)
		pthread_cond_signal(&d->tick);
}

/*
 * Moves the virtual clock d->vmin up to the least vtime among ready and running tasks. It never
 * goes back: sleepers woken while others wait to run sit a slice below the clock and must not
 * pull it down, so that the sleepers of one moment share one floor and keep their order.
 */
static void vclock_update(struct dsp *d)
{
	uint64_t m = UINT64_MAX;
	if (d->ready.n)
		m = d->ready.v[0]->vtime;
	for (unsigned i = 0; i < d->nthreads; i++) {
		const struct dsp_task *t = d->workers[i].cur;
		if (t && t->vtime < m)
			m = t->vtime;
	}
	if (m != UINT64_MAX && m > d->vmin)
		d->vmin = m;
}

/*
 * A task becomes ready after a wait: it keeps no credit older than one slice, so it runs ahead
 * of the tasks that have been running. A new task starts one slice behind the clock instead: no
 * credit at all, so that a crowd of new tasks does not overtake a sleeper that wakes.
 * (d->vmin >= VTIME_ORIGIN > DSP_SLICE_MAX: no wrap.)
 */
static void ready_from_wait(struct dsp *d, struct dsp_task *t)
{
	vclock_update(d);
	if (!t->started) {
		t->vtime = d->vmin + d->slice_ns;
		t->started = true;
	} else if (t->vtime < d->vmin - d->slice_ns) {
		t->vtime = d->vmin - d->slice_ns;
	}
	t->state = T_READY;
	t->seq = d->seq++;
	heap_push(&d->ready, t);
}

/* An urgent task goes ahead of every task that has had more than a slice less than the least
 * (vm370's interactive bias: a user's input is served before the CPU-bound). */
static void to_front(struct dsp *d, struct dsp_task *t)
{
	vclock_update(d);
	if (t->vtime > d->vmin - d->slice_ns)
		t->vtime = d->vmin - d->slice_ns;
}

static void expire_timers(struct dsp *d, uint64_t now)
{
	while (d->timers.n && d->timers.v[0]->wake_at <= now)
		ready_from_wait(d, heap_pop(&d->timers));
}

/* The bookkeeping after a run; true when the caller must drop the dispatcher's reference. */
static bool after_run(struct dsp *d, struct dsp_task *t, enum dsp_verdict v,
		      const struct dsp_slice *s, uint64_t used)
{
	d->nrunning--;
	d->runs++;
	d->busy_ns += used;
	t->vtime += used * DSP_SHARE_DEFAULT / atomic_load_explicit(&t->share, memory_order_relaxed);
	switch (v) {
	case DSP_READY:
		t->state = T_READY;
		t->seq = d->seq++;
		heap_push(&d->ready, t);
		return false;
	case DSP_WAIT:
		if (t->woken) {
			ready_from_wait(d, t);
			return false;
		}
		if (s->wake_at != DSP_NEVER) {
			t->state = T_TIMED;
			t->wake_at = s->wake_at;
			t->seq = d->seq++;
			heap_push(&d->timers, t);
			/* A new earliest deadline: the keeper shortens its sleep. */
			if (d->keeper && d->timers.v[0] == t)
				pthread_cond_signal(&d->tick);
			return false;
		}
		t->state = T_IDLE;
		return true;
	case DSP_EXIT:
		break;
	default:
		assert(!"dsp: run callback returned no dsp_verdict");
		break;
	}
	t->state = T_EXITED;
	d->nexited++;
	return true;
}

static void sleep_until(pthread_cond_t *c, pthread_mutex_t *m, uint64_t when)
{
	struct timespec ts = {.tv_sec = (time_t)(when / 1000000000u),
			      .tv_nsec = (long)(when % 1000000000u)};
	pthread_cond_timedwait(c, m, &ts);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct dsp *d = w->d;
	dsp_self = d;
	pthread_mutex_lock(&d->lock);
	while (!d->stopping) {
		expire_timers(d, clock_ns(CLOCK_MONOTONIC));
		if (!d->ready.n) {
			if (d->timers.n && !d->keeper) {
				d->keeper = true;
				sleep_until(&d->tick, &d->lock, d->timers.v[0]->wake_at);
				d->keeper = false;
			} else {
				d->nidle++;
				pthread_cond_wait(&d->work, &d->lock);
				d->nidle--;
			}
			continue;
		}
		struct dsp_task *t = heap_pop(&d->ready);
		t->state = T_RUNNING;
		t->woken = false;
		w->cur = t;
		d->nrunning++;
		vclock_update(d);
		if (d->ready.n)
			kick(d);
		if (d->timers.n && !d->keeper && d->nidle)
			pthread_cond_signal(&d->work);
		pthread_mutex_unlock(&d->lock);

		struct dsp_slice s = {.ns = d->slice_ns, .wake_at = DSP_NEVER};
		uint64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		enum dsp_verdict v = t->fn(t->arg, &s);
		uint64_t c1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		uint64_t used = c1 > c0 ? c1 - c0 : 0;
		atomic_fetch_add_explicit(&t->cpu_ns, used, memory_order_relaxed);

		pthread_mutex_lock(&d->lock);
		w->cur = NULL;
		if (after_run(d, t, v, &s, used)) {
			pthread_mutex_unlock(&d->lock);
			dsp_task_unref(t);
			pthread_mutex_lock(&d->lock);
		}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* ---- The dispatcher ---- */

/* Frees d itself; every thread is joined and every task freed. */
static void dsp_destroy(struct dsp *d)
{
	pthread_cond_destroy(&d->tick);
	pthread_cond_destroy(&d->work);
	pthread_mutex_destroy(&d->lock);
	free(d->ready.v);
	free(d->timers.v);
	free(d->workers);
	free(d);
}

/* Stops the threads and joins them. */
static void dsp_stop(struct dsp *d)
{
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_broadcast(&d->work);
	pthread_cond_broadcast(&d->tick);
	pthread_mutex_unlock(&d->lock);
	for (unsigned i = 0; i < d->nthreads; i++)
		pthread_join(d->workers[i].tid, NULL);
}

struct dsp *dsp_new(unsigned threads, uint64_t slice_ns)
{
	if (threads > DSP_THREADS_MAX || slice_ns > DSP_SLICE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n < 1 ? 1 : n > DSP_THREADS_MAX ? DSP_THREADS_MAX : (unsigned)n;
	}
	struct dsp *d = calloc(1, sizeof *d);
	struct worker *w = calloc(threads, sizeof *w);
	if (!d || !w) {
		free(d);
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	d->slice_ns = slice_ns ? slice_ns : DSP_SLICE_DEFAULT;
	d->workers = w;
	d->vmin = VTIME_ORIGIN;
	d->ready.less = ready_less;
	d->timers.less = timer_less;

	pthread_condattr_t ca;
	int err = pthread_condattr_init(&ca);
	if (!err)
		err = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (!err)
		err = pthread_cond_init(&d->tick, &ca);
	if (!err && (err = pthread_cond_init(&d->work, &ca)) != 0)
		pthread_cond_destroy(&d->tick);
	if (!err && (err = pthread_mutex_init(&d->lock, NULL)) != 0) {
		pthread_cond_destroy(&d->work);
		pthread_cond_destroy(&d->tick);
	}
	pthread_condattr_destroy(&ca);
	if (err) {
		free(w);
		free(d);
		errno = err;
		return NULL;
	}

	/* Workers take no signals: those are for the program's own threads. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned i = 0; i < threads; i++) {
		w[i].d = d;
		err = pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		if (err)
			break;
		d->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		dsp_stop(d);
		dsp_destroy(d);
		errno = err;
		return NULL;
	}
	return d;
}

void dsp_free(struct dsp *d)
{
	if (!d)
		return;
	assert(dsp_self != d && "dsp_free() from a run callback");
	dsp_stop(d);

	/* Take the queues: no worker is left to use them, and wakes now do nothing. */
	pthread_mutex_lock(&d->lock);
	struct heap q[2] = {d->ready, d->timers};
	d->ready.v = d->timers.v = NULL;
	d->ready.n = d->timers.n = d->ready.cap = d->timers.cap = 0;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < q[k].n; i++)
			q[k].v[i]->state = T_IDLE;
	pthread_mutex_unlock(&d->lock);

	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < q[k].n; i++)
			dsp_task_unref(q[k].v[i]);
		free(q[k].v);
	}

	pthread_mutex_lock(&d->lock);
	d->freed = true;
	bool last = d->ntasks == 0;
	pthread_mutex_unlock(&d->lock);
	if (last)
		dsp_destroy(d);
}

void dsp_stats(struct dsp *d, struct dsp_stats *out)
{
	pthread_mutex_lock(&d->lock);
	*out = (struct dsp_stats){
		.threads = d->nthreads,
		.tasks = d->ntasks,
		.ready = d->ready.n,
		.running = d->nrunning,
		.waiting = d->ntasks - d->ready.n - d->nrunning - d->nexited,
		.runs = d->runs,
		.busy_ns = d->busy_ns,
	};
	pthread_mutex_unlock(&d->lock);
}

/* ---- Tasks ---- */

struct dsp_task *dsp_task_new(struct dsp *d, dsp_run_fn *fn, void *arg, unsigned share)
{
	if (!d || !fn || share > DSP_SHARE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	struct dsp_task *t = calloc(1, sizeof *t);
	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	t->d = d;
	t->fn = fn;
	t->arg = arg;
	atomic_init(&t->refs, 1);
	atomic_init(&t->share, share ? share : DSP_SHARE_DEFAULT);
	atomic_init(&t->cpu_ns, 0);
	t->state = T_IDLE;

	pthread_mutex_lock(&d->lock);
	int err = heap_reserve(&d->ready, d->ntasks + 1);
	if (!err)
		err = heap_reserve(&d->timers, d->ntasks + 1);
	if (!err)
		d->ntasks++;
	pthread_mutex_unlock(&d->lock);
	if (err) {
		free(t);
		errno = err;
		return NULL;
	}
	return t;
}

void dsp_task_ref(struct dsp_task *t)
{
	atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
}

void dsp_task_unref(struct dsp_task *t)
{
	if (!t || atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
		return;
	struct dsp *d = t->d;
	pthread_mutex_lock(&d->lock);
	assert(t->state == T_IDLE || t->state == T_EXITED);
	d->ntasks--;
	if (t->state == T_EXITED)
		d->nexited--;
	bool last = d->freed && d->ntasks == 0;
	pthread_mutex_unlock(&d->lock);
	free(t);
	if (last)
		dsp_destroy(d);
}

/* dsp_wake() and dsp_wake_urgent(). */
static void wake(struct dsp_task *t, bool urgent)
{
	struct dsp *d = t->d;
	pthread_mutex_lock(&d->lock);
	if (!d->stopping) {
		switch (t->state) {
		case T_IDLE:
			atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
			ready_from_wait(d, t);
			kick(d);
			break;
		case T_TIMED:
			heap_remove(&d->timers, t);
			ready_from_wait(d, t);
			kick(d);
			break;
		case T_RUNNING:
			/* It sees the event in this run or the next. No boost for an urgent one: a task
			 * that gets input all the time would run all the time. */
			t->woken = true;
			break;
		case T_READY:
			if (urgent) {
				heap_remove(&d->ready, t);
				to_front(d, t);
				heap_push(&d->ready, t);
			}
			break;
		case T_EXITED:
			break;
		}
	}
	pthread_mutex_unlock(&d->lock);
}

void dsp_wake(struct dsp_task *t)
{
	wake(t, false);
}

void dsp_wake_urgent(struct dsp_task *t)
{
	wake(t, true);
}

int dsp_set_share(struct dsp_task *t, unsigned share)
{
	if (share < DSP_SHARE_MIN || share > DSP_SHARE_MAX)
		return EINVAL;
	atomic_store_explicit(&t->share, share, memory_order_relaxed);
	return 0;
}

unsigned dsp_task_share(const struct dsp_task *t)
{
	return atomic_load_explicit((atomic_uint *)&t->share, memory_order_relaxed);
}

uint64_t dsp_task_cpu_ns(const struct dsp_task *t)
{
	return atomic_load_explicit((_Atomic uint64_t *)&t->cpu_ns, memory_order_relaxed);
}
