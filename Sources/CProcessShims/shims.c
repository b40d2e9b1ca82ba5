#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "CProcessShims.h"

int cshim_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

/* PR_SET_PDEATHSIG fires when the *thread* that forked the child exits, not the process
   (prctl(2)). Swift's cooperative and Dispatch threads come and go, so children are forked
   from one thread that lives as long as the process: their death signal then means exactly
   "the server is gone". Callers hand a request over and wait for its result. */

struct spawn_request {
    const char *path;
    char *const *argv;
    char *const *envp;
    int stdout_fd;
    int stderr_fd;
    pid_t pid;
    int error;
    int done;
};

static pthread_once_t spawner_once = PTHREAD_ONCE_INIT;
static int spawner_error;
static pthread_mutex_t spawner_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t spawner_changed = PTHREAD_COND_INITIALIZER;
static struct spawn_request *spawner_pending;

/* Runs in the child between vfork and exec: async-signal-safe calls only, and nothing that
   writes the parent's memory but `*error` (vfork shares it; the parent waits meanwhile). */
static void child(struct spawn_request *request, pid_t parent, volatile int *error) {
    int null_fd;
    if (setpgid(0, 0) != 0) goto fail;
#ifdef __linux__
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) goto fail;
    /* The parent may have died before the line above: then nobody will ever signal us. */
    if (getppid() != parent) _exit(127);
#endif
    null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0) goto fail;
    if (dup2(null_fd, 0) < 0 || dup2(request->stdout_fd, 1) < 0 || dup2(request->stderr_fd, 2) < 0) goto fail;
    if (null_fd > 2) close(null_fd);
    /* Nothing else of ours reaches helm: not our sockets, nor descriptors our own parent meant
       only for us (Foundation's Process, for one, learns that a child ended when its end of a
       socket pair closes, which a helm holding it would delay for as long as helm runs). */
    if (syscall(SYS_close_range, 3, ~0U, 0) != 0) {
        for (int fd = 3; fd < 65536; fd++) close(fd);
    }
    /* Servers ignore SIGPIPE and trap others; ignored signals stay ignored across exec. */
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal == SIGKILL || signal == SIGSTOP) continue;
        struct sigaction action = {0};
        action.sa_handler = SIG_DFL;
        sigaction(signal, &action, NULL);
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    execve(request->path, request->argv, request->envp);
fail:
    *error = errno;
    _exit(127);
}

static void spawn_now(struct spawn_request *request) {
    /* Block every signal so no handler of the parent runs in the vfork child on shared memory. */
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    volatile int error = 0;
    pid_t parent = getpid();
    pid_t pid = vfork();
    if (pid == 0) child(request, parent, &error);
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    if (pid < 0) {
        request->error = fork_errno;
        return;
    }
    if (error != 0) {
        /* exec failed: the child has exited; reap it so no zombie is left. */
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        request->error = error;
        return;
    }
    request->pid = pid;
    request->error = 0;
}

static void *spawner_main(void *unused) {
    (void)unused;
    pthread_mutex_lock(&spawner_lock);
    for (;;) {
        while (spawner_pending == NULL || spawner_pending->done) pthread_cond_wait(&spawner_changed, &spawner_lock);
        struct spawn_request *request = spawner_pending;
        pthread_mutex_unlock(&spawner_lock);
        spawn_now(request);
        pthread_mutex_lock(&spawner_lock);
        request->done = 1;
        spawner_pending = NULL;
        pthread_cond_broadcast(&spawner_changed);
    }
    return NULL;
}

static void start_spawner(void) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    spawner_error = pthread_create(&thread, &attributes, spawner_main, NULL);
    pthread_attr_destroy(&attributes);
}

int cshim_spawn(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd, pid_t *pid) {
    pthread_once(&spawner_once, start_spawner);
    if (spawner_error != 0) return spawner_error;
    struct spawn_request request = {path, argv, envp, stdout_fd, stderr_fd, 0, 0, 0};
    pthread_mutex_lock(&spawner_lock);
    while (spawner_pending != NULL) pthread_cond_wait(&spawner_changed, &spawner_lock);
    spawner_pending = &request;
    pthread_cond_broadcast(&spawner_changed);
    while (!request.done) pthread_cond_wait(&spawner_changed, &spawner_lock);
    pthread_mutex_unlock(&spawner_lock);
    if (request.error == 0) *pid = request.pid;
    return request.error;
}
