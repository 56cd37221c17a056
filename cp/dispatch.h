/*
 * dispatch.h - the CP dispatcher: a pool of host threads that runs *tasks* in time slices, with
 * fair shares (dispatch.c).
 *
 * The dispatcher knows nothing about virtual machines. A task is a callback that does a bounded
 * amount of work (about one slice) and says what it wants next; CP makes each logged-on user's
 * session a task whose run callback runs the user's S/370 for a slice, handles its console, its
 * CP commands and so on.
 *
 *	static enum dsp_verdict run(void *arg, struct dsp_slice *s)
 *	{
 *		... work for about s->ns nanoseconds ...
 *		if (more to do) return DSP_READY;
 *		s->wake_at = next_timer_ns;		// or leave DSP_NEVER
 *		return DSP_WAIT;			// until dsp_wake() or wake_at
 *	}
 *	struct dsp *d = dsp_new(0, 0);			// one thread per core, default slice
 *	struct dsp_task *t = dsp_task_new(d, run, arg, 100);
 *	dsp_wake(t);					// e.g. from the console's thread
 *	...
 *	dsp_task_unref(t);
 *	dsp_free(d);
 *
 * PROMISES
 *   - A task never runs on two threads at once.
 *   - Wakeups are never lost: dsp_wake() while the task runs makes it run again after the run
 *     returns, even if the run returned DSP_WAIT. Several wakes before a run give one run
 *     (dsp_wake() is idempotent: "run soon", not "run once per wake").
 *   - DSP_EXIT is final: the task is never run again, and a later dsp_wake() does nothing (it is
 *     safe as long as the caller holds a reference). DSP_EXIT wins over a wake that came during
 *     the run.
 *   - DSP_WAIT with slice->wake_at runs the task again at that CLOCK_MONOTONIC time (never
 *     earlier; later by at most about one slice when every thread is busy) unless it is woken
 *     first. A wake_at already past is as good as DSP_READY.
 *   - The dispatcher cannot preempt: a run that overstays its slice is simply charged for it.
 *   - An idle dispatcher uses no CPU: idle threads sleep on a condition variable until a wake or
 *     the earliest timed wait.
 *
 * FAIRNESS (stride scheduling on measured time). Each task has a virtual time. After a run the
 * task is charged the host CPU time the run used (CLOCK_THREAD_CPUTIME_ID of the worker thread):
 *	vtime += used_ns * DSP_SHARE_DEFAULT / share
 * and a free thread always runs the ready task with the least vtime (first come first served
 * among equals). So among tasks that are always ready, host time converges to the ratio of their
 * shares. The dispatcher's virtual clock is the least vtime among ready and running tasks; it
 * never goes back. A task that was waiting gets, when it becomes ready,
 *	vtime = max(its own vtime, clock - one slice)
 * so a sleeper neither hoards credit from its sleep nor queues behind the CPU-bound tasks: an
 * interactive task that wakes runs within about one slice of the next thread becoming free, and
 * sleepers that wake together at that floor run in the order they were woken. A new task's
 * first wake sets
 *	vtime = clock + one slice
 * (no credit at all), so a crowd of new tasks neither overtakes nor delays a sleeper that wakes;
 * the price is that a new task's first run waits for the ready tasks within a slice of the
 * clock (with many CPU-bound tasks, up to about one round of them).
 * Shares are relative, DSP_SHARE_MIN..DSP_SHARE_MAX, default DSP_SHARE_DEFAULT.
 *
 * REFERENCES. dsp_task_new() returns a task with one reference for the caller. The dispatcher
 * holds a reference of its own while the task is ready, running, or waiting with a wake_at
 * deadline, and drops it when the task waits with no deadline or exits. So the caller must keep
 * a reference to any task it means to dsp_wake() later; the last dsp_task_unref() frees the task
 * (never while it runs or is queued). The arg is the caller's: the dispatcher never frees it.
 * A run callback may call any function here (wake itself or others, create tasks, unref, change
 * shares) except dsp_free().
 *
 * STOPPING. dsp_free() stops starting runs, waits for the runs in progress, joins the threads
 * and drops the dispatcher's references to tasks still ready or waiting, which never run again.
 * Tasks the caller still holds stay valid until their last unref (dsp_wake() on them does
 * nothing, dsp_task_cpu_ns() still answers); the dispatcher's memory goes with the last of them.
 *
 * THREADING. Every function may be called from any thread at any time, except dsp_free() (once,
 * not from a run callback) and the ordinary rule that a task or dispatcher is not used after its
 * last reference or dsp_free(). One mutex per dispatcher guards its queues and every task's
 * scheduling state; run callbacks are called without it. Reference counts and the CPU time
 * counters are atomics. The worker threads block every signal. A run that blocks (on a file, a
 * lock) holds its host thread meanwhile and is charged only the CPU time it used.
 */
#ifndef CP_DISPATCH_H
#define CP_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

struct dsp;		/* the dispatcher */
struct dsp_task;	/* one schedulable task, reference counted */

#define DSP_NEVER		UINT64_MAX	/* no deadline */
#define DSP_SHARE_MIN		1u
#define DSP_SHARE_MAX		10000u
#define DSP_SHARE_DEFAULT	100u
#define DSP_SLICE_DEFAULT	5000000u	/* ns: 5 ms */
#define DSP_SLICE_MAX		1000000000u	/* ns: 1 s */
#define DSP_THREADS_MAX		1024u

/* What a run callback wants next. */
enum dsp_verdict {
	DSP_READY,	/* more work to do now: queue me again (fairly, behind others) */
	DSP_WAIT,	/* nothing to do until dsp_wake(), or until slice->wake_at passes */
	DSP_EXIT,	/* never run me again */
};

struct dsp_slice {
	uint64_t ns;		/* in: how long this run may take; the task keeps roughly to it */
	uint64_t wake_at;	/* out, with DSP_WAIT: CLOCK_MONOTONIC ns to wake by itself, or
				   DSP_NEVER (what it holds on entry) */
};

/* Called on a dispatcher thread, without the dispatcher's lock; never on two threads at once. */
typedef enum dsp_verdict dsp_run_fn(void *arg, struct dsp_slice *slice);

/*
 * A dispatcher with threads host threads (0: one per online core) and runs of slice_ns (0:
 * DSP_SLICE_DEFAULT). NULL with errno set on failure (EINVAL: threads > DSP_THREADS_MAX or
 * slice_ns > DSP_SLICE_MAX; ENOMEM;
 * EAGAIN: no thread could be made).
 */
struct dsp *dsp_new(unsigned threads, uint64_t slice_ns);
/* Stop and free (see STOPPING above). Not from a run callback. NULL is ignored. */
void dsp_free(struct dsp *d);

/*
 * A new task that runs fn(arg, ...), with the given share (0: DSP_SHARE_DEFAULT). It is not
 * queued until dsp_wake(). Returns it with one reference for the caller, or NULL with errno
 * (EINVAL: no fn or share > DSP_SHARE_MAX; ENOMEM).
 */
struct dsp_task *dsp_task_new(struct dsp *d, dsp_run_fn *fn, void *arg, unsigned share);
void dsp_task_ref(struct dsp_task *t);
/* Drops one reference; the last frees the task. NULL is ignored. */
void dsp_task_unref(struct dsp_task *t);

/* Run t soon (see PROMISES). Any thread, any time, while the caller holds a reference. */
void dsp_wake(struct dsp_task *t);

/* Changes t's relative share; takes effect from the next charge. 0, or EINVAL when share is out
   of DSP_SHARE_MIN..DSP_SHARE_MAX (the share is then unchanged). */
/*
 * dsp_wake(), and the task goes to the front: a ready task waits behind no task that has had more
 * than a slice more than the least (an interactive event - the user typed - is served before the
 * CPU-bound work, as VM/370 favoured its interactive queue). A task woken during its run is only
 * woken (it sees the event in this run or the next): no boost, or a task that gets input all the
 * time would run all the time.
 */
void dsp_wake_urgent(struct dsp_task *t);
int dsp_set_share(struct dsp_task *t, unsigned share);
unsigned dsp_task_share(const struct dsp_task *t);

/* Host thread CPU time t's runs used so far, in ns (a run in progress is counted when it ends). */
uint64_t dsp_task_cpu_ns(const struct dsp_task *t);

/* A snapshot of the dispatcher. */
struct dsp_stats {
	unsigned threads;	/* host threads */
	size_t tasks;		/* tasks not yet freed (exited ones the caller still holds count) */
	size_t ready;		/* queued to run */
	size_t running;		/* in a run callback now */
	size_t waiting;		/* neither ready, running nor exited (includes never-woken tasks) */
	uint64_t runs;		/* run callbacks completed */
	uint64_t busy_ns;	/* host CPU time those runs used */
};
void dsp_stats(struct dsp *d, struct dsp_stats *out);

#endif
