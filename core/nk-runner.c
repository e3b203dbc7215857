/* nk-runner.c — the batch runner.
 *
 * Threads: the calling thread reads inputs and numbers documents; --jobs worker threads
 * each own one instance of every document stage; one sink thread puts finished documents
 * back in input order and feeds the ordered sinks. A counter of documents in flight
 * (bounded by count and bytes) keeps memory bounded whatever the corpus size, and lets
 * the sink thread reorder through a fixed ring instead of a growing table.
 *
 * SPDX-License-Identifier: MIT
 */
#define G_LOG_DOMAIN "nkpipe-runner"

#include "nkpipe.h"
#include "nk-document-private.h"
#include "nk-input-private.h"
#include "nk-pipeline-private.h"
#include "nk-registry-private.h"
#include "nk-runner.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NK_MAX_BYTES_IN_FLIGHT ((guint64) 512 << 20)

typedef struct {
  gint64      seq;
  NkDocument *doc;
  char       *id;
  char       *source;
  char       *stage;     /* failed stage label, NULL when the document is fine */
  char       *message;
  guint64     bytes;
} NkJob;

typedef struct {
  NkPipeline         *pipeline;
  const NkRunOptions *opts;
  GAsyncQueue        *work;
  GAsyncQueue        *done;
  GAsyncQueue        *recycle;        /* retired jobs, freed by the reading thread */
  GMutex              lock;
  GCond               cond;
  guint               in_flight;
  gboolean            reader_waiting;  /* under lock: signal only when someone waits */
  guint64             bytes_in_flight;
  guint               max_in_flight;
  gint                abort;          /* atomic: stop feeding and processing */
  GError             *fatal;          /* the sink error that aborted the run */
  GPtrArray          *sinks;          /* sink instances, pipeline order */
  guint               first_sink;
  NkOutputFile       *errors_file;
  GString            *line;
  NkRunStats          stats;
  guint64             total_bytes;
  gint64              start_us;
  gint64              last_progress_us;
} NkRun;

static NkJob nk_end_marker;
static volatile sig_atomic_t nk_interrupted;

static void
nk_signal_handler (int sig)
{
  if (nk_interrupted)
    _exit (NK_EXIT_INTERRUPTED);
  nk_interrupted = sig;
}

void
nk_run_install_signal_handlers (void)
{
  struct sigaction sa;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = nk_signal_handler;
  sigemptyset (&sa.sa_mask);
  sa.sa_flags = 0;   /* no SA_RESTART: a blocking read returns EINTR */
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);
}

gboolean
nk_run_interrupted (void)
{
  return nk_interrupted != 0;
}

void
nk_run_interrupt (void)
{
  nk_interrupted = SIGINT;
}

static void
nk_job_free (NkJob *job)
{
  nk_document_free (job->doc);
  g_free (job->id);
  g_free (job->source);
  g_free (job->stage);
  g_free (job->message);
  g_free (job);
}

/* ---- flow control ------------------------------------------------------------------ */

static gboolean
nk_run_acquire (NkRun *run, guint64 bytes)
{
  g_mutex_lock (&run->lock);
  while (run->in_flight > 0 &&
         (run->in_flight >= run->max_in_flight ||
          run->bytes_in_flight + bytes > NK_MAX_BYTES_IN_FLIGHT) &&
         !nk_interrupted && !g_atomic_int_get (&run->abort))
    {
      run->reader_waiting = TRUE;
      g_cond_wait_until (&run->cond, &run->lock, g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
      run->reader_waiting = FALSE;
    }
  run->in_flight++;
  run->bytes_in_flight += bytes;
  g_mutex_unlock (&run->lock);
  return !nk_interrupted && !g_atomic_int_get (&run->abort);
}

static void
nk_run_release (NkRun *run, guint64 bytes)
{
  g_mutex_lock (&run->lock);
  run->in_flight--;
  run->bytes_in_flight -= bytes;
  /* Wake the reader only once half the slots are free, so it refills them in one burst
   * instead of waking (and being scheduled beside the workers) once per document; a reader
   * held back by bytes in flight is woken on every release below that mark. A GCond signal
   * is a syscall even with no waiter, hence the flag. */
  if (run->reader_waiting && run->in_flight <= run->max_in_flight / 2)
    g_cond_signal (&run->cond);
  g_mutex_unlock (&run->lock);
}

/* ---- workers ----------------------------------------------------------------------- */

typedef struct {
  NkRun    *run;
  NkWorker *worker;
} NkWorkerThread;

static gpointer
nk_worker_thread (gpointer data)
{
  NkWorkerThread *wt = data;
  NkRun *run = wt->run;

  for (;;)
    {
      NkJob *job = g_async_queue_pop (run->work);
      g_autoptr(GError) error = NULL;
      guint failed = 0;

      if (job == &nk_end_marker)
        break;
      if (!g_atomic_int_get (&run->abort) && !nk_interrupted &&
          !nk_worker_process (wt->worker, job->doc, &failed, &error))
        {
          job->stage = g_strdup (nk_pipeline_get_stage (run->pipeline, failed)->label);
          job->message = g_strdup (error->message);
        }
      g_async_queue_push (run->done, job);
    }
  return NULL;
}

/* ---- the ordered side -------------------------------------------------------------- */

static void
nk_run_report_failure (NkRun *run, NkJob *job)
{
  const char *id = job->doc ? nk_document_get_id (job->doc) : job->id;
  const char *source = job->doc ? nk_document_get_source (job->doc) : job->source;
  g_autoptr(GError) error = NULL;

  run->stats.failed++;
  fprintf (stderr, "nkpipe: document '%s' (%s) failed in %s: %s\n", id, source, job->stage,
           job->message);
  if (run->errors_file == NULL)
    return;
  g_string_truncate (run->line, 0);
  g_string_append (run->line, "{\"id\":");
  nk_json_append_string (run->line, id, -1);
  g_string_append (run->line, ",\"source\":");
  nk_json_append_string (run->line, source, -1);
  g_string_append (run->line, ",\"stage\":");
  nk_json_append_string (run->line, job->stage, -1);
  g_string_append (run->line, ",\"message\":");
  nk_json_append_string (run->line, job->message, -1);
  g_string_append (run->line, "}\n");
  if (!nk_output_file_write (run->errors_file, run->line->str, run->line->len, &error) &&
      run->fatal == NULL)
    {
      run->fatal = g_steal_pointer (&error);
      g_atomic_int_set (&run->abort, 1);
    }
}

static gboolean
nk_error_is_fatal (const GError *error)
{
  return error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR ||
         (error->domain == NK_STAGE_ERROR && error->code == NK_STAGE_ERROR_OUTPUT);
}

static void
nk_run_sink (NkRun *run, NkJob *job)
{
  for (guint i = 0; i < run->sinks->len; i++)
    {
      NkPipelineStage *stage = nk_pipeline_get_stage (run->pipeline, run->first_sink + i);
      g_autoptr(GError) error = NULL;

      if (stage->info->process (g_ptr_array_index (run->sinks, i), job->doc, &error))
        continue;
      if (error && nk_error_is_fatal (error))
        {
          g_prefix_error (&error, "%s: ", stage->label);
          run->fatal = g_steal_pointer (&error);
          g_atomic_int_set (&run->abort, 1);
          return;
        }
      job->stage = g_strdup (stage->label);
      job->message = g_strdup (error ? error->message : "failed without a message");
      nk_run_report_failure (run, job);
      return;
    }
}

static void
nk_run_progress (NkRun *run, gboolean final)
{
  gint64 now = g_get_monotonic_time ();
  double secs = (now - run->start_us) / 1e6;
  double mb = run->stats.bytes / 1e6;
  double rate = secs > 0 ? run->stats.documents / secs : 0;
  char eta[32] = "";

  if (!run->opts->progress || (!final && now - run->last_progress_us < 500 * G_TIME_SPAN_MILLISECOND))
    return;
  run->last_progress_us = now;
  if (run->total_bytes > 0 && run->stats.bytes > 0 && !final)
    {
      double left = secs * ((double) run->total_bytes / run->stats.bytes - 1);
      g_snprintf (eta, sizeof eta, "  ETA %d:%02d", (int) left / 60, (int) left % 60);
    }
  fprintf (stderr, "\r%10" G_GUINT64_FORMAT " docs  %9.1f MB  %8.0f docs/s%s   %s",
           run->stats.documents, mb, rate, eta, final ? "\n" : "");
  fflush (stderr);
}

static void
nk_run_retire (NkRun *run, NkJob *job)
{
  guint64 bytes = job->bytes;

  run->stats.documents++;
  run->stats.bytes += bytes;
  if (job->doc)
    run->stats.warnings += nk_document_get_n_warnings (job->doc);
  if (job->stage)
    nk_run_report_failure (run, job);
  else if (!g_atomic_int_get (&run->abort) && !nk_interrupted)
    nk_run_sink (run, job);
  /* Freeing a document costs as much as exporting it; the sink thread is the ordered
   * bottleneck, so the reading thread frees it. */
  g_async_queue_push (run->recycle, job);
  nk_run_release (run, bytes);
  nk_run_progress (run, FALSE);
}

static gpointer
nk_sink_thread (gpointer data)
{
  NkRun *run = data;
  guint ring_size = run->max_in_flight + 1;
  g_autofree NkJob **ring = g_new0 (NkJob *, ring_size);
  gint64 next = 0;

  for (;;)
    {
      NkJob *job = g_async_queue_pop (run->done);

      if (job == &nk_end_marker)
        break;
      g_assert (ring[job->seq % ring_size] == NULL);
      ring[job->seq % ring_size] = job;
      while ((job = ring[next % ring_size]) != NULL && job->seq == next)
        {
          ring[next % ring_size] = NULL;
          nk_run_retire (run, job);
          next++;
        }
    }
  return NULL;
}

/* ---- setup and teardown ------------------------------------------------------------ */

static gboolean
nk_run_create_sinks (NkRun *run, GError **error)
{
  guint n = nk_pipeline_get_n_stages (run->pipeline);

  run->first_sink = nk_pipeline_get_n_doc_stages (run->pipeline);
  for (guint i = run->first_sink; i < n; i++)
    {
      NkPipelineStage *stage = nk_pipeline_get_stage (run->pipeline, i);
      g_autoptr(GError) local = NULL;
      gpointer self = stage->info->create (stage->config, stage->shared, &local);

      if (self == NULL)
        {
          /* Keep the domain: an output that cannot be opened is an I/O error (status 4). */
          if (local == NULL)
            g_set_error (&local, NK_PIPELINE_ERROR, NK_PIPELINE_ERROR_STAGE, "could not create the stage");
          g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", stage->label);
          return FALSE;
        }
      g_ptr_array_add (run->sinks, self);
    }
  return TRUE;
}

static void
nk_run_free_sinks (NkRun *run)
{
  for (guint i = 0; i < run->sinks->len; i++)
    {
      NkPipelineStage *stage = nk_pipeline_get_stage (run->pipeline, run->first_sink + i);
      stage->info->free (g_ptr_array_index (run->sinks, i));
    }
  g_ptr_array_set_size (run->sinks, 0);
}

static gboolean
nk_run_finish_sinks (NkRun *run, GError **error)
{
  for (guint i = 0; i < run->sinks->len; i++)
    {
      NkPipelineStage *stage = nk_pipeline_get_stage (run->pipeline, run->first_sink + i);
      g_autoptr(GError) local = NULL;

      if (stage->info->finish && !stage->info->finish (g_ptr_array_index (run->sinks, i), &local))
        {
          g_set_error (error, NK_STAGE_ERROR, NK_STAGE_ERROR_OUTPUT, "%s: %s", stage->label,
                       local ? local->message : "failed to finish");
          return FALSE;
        }
    }
  return TRUE;
}

static void
nk_run_drain_recycle (NkRun *run)
{
  NkJob *job;

  while ((job = g_async_queue_try_pop (run->recycle)) != NULL)
    nk_job_free (job);
}

static void
nk_run_feed (NkRun *run, GPtrArray *inputs)
{
  g_autoptr(NkReader) reader = nk_reader_new (inputs, run->opts->max_doc_bytes);
  gint64 seq = 0;
  NkReadItem item;

  while (!nk_interrupted && !g_atomic_int_get (&run->abort) && nk_reader_next (reader, &item))
    {
      NkJob *job = g_new0 (NkJob, 1);

      job->seq = seq++;
      job->bytes = item.bytes;
      job->doc = g_steal_pointer (&item.doc);
      if (job->doc == NULL)
        {
          job->id = g_steal_pointer (&item.id);
          job->source = g_steal_pointer (&item.source);
          job->message = g_steal_pointer (&item.message);
          job->stage = g_strdup ("input");
        }
      nk_read_item_clear (&item);
      nk_run_drain_recycle (run);
      if (!nk_run_acquire (run, job->bytes))
        {
          nk_run_release (run, job->bytes);
          nk_job_free (job);
          break;
        }
      if (job->doc)
        nk_document_set_seq (job->doc, job->seq);
      g_async_queue_push (job->stage ? run->done : run->work, job);
    }
}


static gboolean
nk_run_write_manifest (NkRun *run, GPtrArray *inputs, GError **error)
{
  g_autoptr(GString) out = g_string_new ("{\n  \"nkpipe\": ");
  g_autoptr(NkOutputFile) file = NULL;
  g_autofree char *hash = nk_pipeline_get_hash (run->pipeline);
  NkRegistry *registry = nk_pipeline_get_registry (run->pipeline);

  nk_json_append_string (out, nk_get_version (), -1);
  g_string_append_printf (out, ",\n  \"abi\": \"%d.%d\",\n  \"pipeline\": {\"name\": ",
                          NK_ABI_MAJOR, NK_ABI_MINOR);
  nk_json_append_string (out, nk_pipeline_get_name (run->pipeline), -1);
  g_string_append (out, ", \"path\": ");
  nk_json_append_string (out, nk_pipeline_get_path (run->pipeline), -1);
  g_string_append (out, ", \"sha256\": ");
  nk_json_append_string (out, hash, -1);
  g_string_append (out, "},\n  \"stages\": [");
  for (guint i = 0; i < nk_pipeline_get_n_stages (run->pipeline); i++)
    {
      NkPipelineStage *stage = nk_pipeline_get_stage (run->pipeline, i);
      const NkPluginDesc *desc = nk_registry_get_stage_module (registry, stage->info->type);

      g_string_append (out, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
      nk_json_append_string (out, stage->id, -1);
      g_string_append (out, ", \"type\": ");
      nk_json_append_string (out, stage->info->type, -1);
      g_string_append (out, ", \"plugin\": ");
      nk_json_append_string (out, desc ? desc->name : NULL, -1);
      g_string_append (out, ", \"version\": ");
      nk_json_append_string (out, desc ? desc->version : NULL, -1);
      g_string_append (out, ", \"module\": ");
      nk_json_append_string (out, nk_registry_get_stage_module_path (registry, stage->info->type), -1);
      g_string_append (out, "}");
    }
  g_string_append (out, "\n  ],\n  \"inputs\": [");
  for (guint i = 0; i < inputs->len; i++)
    {
      const NkInputFile *f = g_ptr_array_index (inputs, i);
      g_string_append (out, i ? ", " : "");
      nk_json_append_string (out, f->path, -1);
    }
  g_string_append (out, "],\n  \"documents\": ");
  nk_json_append_int (out, (gint64) run->stats.documents);
  g_string_append (out, ",\n  \"failed\": ");
  nk_json_append_int (out, (gint64) run->stats.failed);
  g_string_append (out, "\n}\n");

  file = nk_output_file_open (run->opts->manifest_path, error);
  return file && nk_output_file_write (file, out->str, out->len, error) &&
         nk_output_file_commit (file, error);
}

static void
nk_run_clear (NkRun *run)
{
  nk_run_free_sinks (run);
  g_ptr_array_unref (run->sinks);
  g_clear_pointer (&run->errors_file, nk_output_file_free);
  g_string_free (run->line, TRUE);
  g_clear_error (&run->fatal);
  nk_run_drain_recycle (run);
  g_async_queue_unref (run->work);
  g_async_queue_unref (run->done);
  g_async_queue_unref (run->recycle);
  g_mutex_clear (&run->lock);
  g_cond_clear (&run->cond);
}

static gboolean
nk_run_setup (NkRun *run, GPtrArray *workers, GError **error)
{
  if (!nk_pipeline_prepare (run->pipeline, error))
    return FALSE;
  for (guint i = 0; i < run->opts->jobs; i++)
    {
      NkWorker *w = nk_worker_new (run->pipeline, error);
      if (w == NULL)
        return FALSE;
      g_ptr_array_add (workers, w);
    }
  if (!nk_run_create_sinks (run, error))
    return FALSE;
  if (run->opts->errors_path &&
      (run->errors_file = nk_output_file_open (run->opts->errors_path, error)) == NULL)
    return FALSE;
  return TRUE;
}

NkExitStatus
nk_run (NkPipeline *pipeline, GPtrArray *inputs, const NkRunOptions *opts, NkRunStats *stats,
        GError **error)
{
  NkRun run = { 0 };
  g_autoptr(GPtrArray) workers = g_ptr_array_new_with_free_func ((GDestroyNotify) nk_worker_free);
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autofree NkWorkerThread *wts = NULL;
  GThread *sink_thread;
  NkExitStatus status;

  run.pipeline = pipeline;
  run.opts = opts;
  run.work = g_async_queue_new ();
  run.done = g_async_queue_new ();
  run.recycle = g_async_queue_new ();
  g_mutex_init (&run.lock);
  g_cond_init (&run.cond);
  run.max_in_flight = MAX (opts->jobs, 1) * 8 + 8;
  run.sinks = g_ptr_array_new ();
  run.line = g_string_new (NULL);
  for (guint i = 0; i < inputs->len; i++)
    run.total_bytes += ((NkInputFile *) g_ptr_array_index (inputs, i))->size;

  if (!nk_run_setup (&run, workers, error))
    {
      gboolean io = error && *error && (*error)->domain == G_FILE_ERROR;
      nk_run_clear (&run);
      return io ? NK_EXIT_IO : NK_EXIT_PIPELINE;
    }

  run.start_us = g_get_monotonic_time ();
  wts = g_new0 (NkWorkerThread, workers->len);
  for (guint i = 0; i < workers->len; i++)
    {
      wts[i].run = &run;
      wts[i].worker = g_ptr_array_index (workers, i);
      g_ptr_array_add (threads, g_thread_new ("nk-worker", nk_worker_thread, &wts[i]));
    }
  sink_thread = g_thread_new ("nk-sink", nk_sink_thread, &run);

  nk_run_feed (&run, inputs);

  for (guint i = 0; i < threads->len; i++)
    g_async_queue_push (run.work, &nk_end_marker);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  g_async_queue_push (run.done, &nk_end_marker);
  g_thread_join (sink_thread);
  nk_run_progress (&run, TRUE);
  run.stats.seconds = (g_get_monotonic_time () - run.start_us) / 1e6;

  if (run.fatal)
    {
      g_propagate_error (error, g_steal_pointer (&run.fatal));
      status = NK_EXIT_IO;
    }
  else if (nk_interrupted)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   "interrupted: outputs left unchanged");
      status = NK_EXIT_INTERRUPTED;
    }
  else if (!nk_run_finish_sinks (&run, error) ||
           (run.errors_file && !nk_output_file_commit (run.errors_file, error)) ||
           (opts->manifest_path && !nk_run_write_manifest (&run, inputs, error)))
    status = NK_EXIT_IO;
  else
    status = run.stats.failed > 0 ? NK_EXIT_DOC_FAILED : NK_EXIT_OK;

  if (stats)
    *stats = run.stats;
  nk_run_clear (&run);
  return status;
}
