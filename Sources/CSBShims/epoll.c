#include "CSBShims.h"

#if defined(__linux__)

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

// struct epoll_event is packed on x86_64, which Swift imports poorly; callers get sb_event instead.
enum { SB_MAX_EVENTS = 256 };

int sb_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int sb_epoll_add_wakeup(int epfd, int fd, uint64_t token) {
    struct epoll_event event = {.events = EPOLLIN | EPOLLET, .data.u64 = token};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

int sb_epoll_add(int epfd, int fd, uint64_t token) {
    // One-shot with no direction: until sb_epoll_arm asks for one, at most a single error or hang-up
    // is reported (the kernel adds those to every mask), and no readiness.
    struct epoll_event event = {.events = EPOLLONESHOT, .data.u64 = token};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

int sb_epoll_arm(int epfd, int fd, uint64_t token, int readable, int writable) {
    // Level-triggered, so a descriptor that is already ready is reported at once; one-shot, so it
    // is reported once and then ignored until armed again.
    uint32_t events = EPOLLONESHOT | (readable ? EPOLLIN | EPOLLRDHUP : 0) | (writable ? EPOLLOUT : 0);
    struct epoll_event event = {.events = events, .data.u64 = token};
    return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event);
}

int sb_epoll_remove(int epfd, int fd) {
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

int sb_epoll_wait(int epfd, sb_event *events, int capacity, int timeout_ms) {
    struct epoll_event raw[SB_MAX_EVENTS];
    int count = epoll_wait(epfd, raw, capacity < SB_MAX_EVENTS ? capacity : SB_MAX_EVENTS, timeout_ms);
    for (int i = 0; i < count; i++) {
        uint32_t flags = raw[i].events;
        int failed = (flags & (EPOLLERR | EPOLLHUP)) != 0;
        events[i].token = raw[i].data.u64;
        events[i].readable = failed || (flags & (EPOLLIN | EPOLLRDHUP)) != 0;
        events[i].writable = failed || (flags & EPOLLOUT) != 0;
    }
    return count;
}

int sb_eventfd_create(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

int sb_eventfd_signal(int fd) {
    uint64_t one = 1;
    // EAGAIN means the counter is saturated, so the loop is already due to wake.
    return write(fd, &one, sizeof one) == sizeof one ? 0 : -1;
}

void sb_eventfd_drain(int fd) {
    uint64_t value;
    // Reading an eventfd resets its counter to zero in one call.
    (void)read(fd, &value, sizeof value);
}

#endif
