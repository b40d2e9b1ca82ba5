#ifndef CPROCESS_SHIMS_H
#define CPROCESS_SHIMS_H

/// pipe2(O_CLOEXEC), which Swift's Glibc module does not export (it is a GNU extension).
/// Both ends are close-on-exec atomically, so a child spawned concurrently by another thread
/// never inherits them.
int cshim_pipe_cloexec(int fds[2]);

#endif
