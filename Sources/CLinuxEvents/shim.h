// Linux's readiness API, which Glibc's Swift module does not include: the scanner's connector waits
// on epoll for non-blocking connects, and an eventfd wakes it.
#include <sys/epoll.h>
#include <sys/eventfd.h>
