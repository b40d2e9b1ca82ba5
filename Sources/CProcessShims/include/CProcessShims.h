#ifndef CPROCESS_SHIMS_H
#define CPROCESS_SHIMS_H

#include <sys/types.h>

/// pipe2(O_CLOEXEC), which Swift's Glibc module does not export (it is a GNU extension).
/// Both ends are close-on-exec atomically, so a child spawned concurrently by another thread
/// never inherits them.
int cshim_pipe_cloexec(int fds[2]);

/// Starts `path` with `argv` and `envp` in a process group of its own, stdin on /dev/null and
/// stdout/stderr on the given descriptors, with default signal dispositions and an empty mask.
/// On Linux the child is also killed (SIGKILL) when this process dies, however it dies: a
/// SIGKILLed server must not leave helm holding a release. Returns 0 and sets `*pid`, or an errno.
int cshim_spawn(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd, pid_t *pid);

#endif
