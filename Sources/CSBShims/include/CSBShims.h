#ifndef CSBSHIMS_H
#define CSBSHIMS_H

/*
 * The operating-system edge of SBNetwork.
 *
 * Swift's Glibc overlay does not import epoll or eventfd, and it imports socket constants and
 * sockaddr unions in shapes that differ between Linux and Darwin. These helpers give Swift one
 * small, identical surface on both: sockets are always non-blocking and close-on-exec, a write
 * to a closed peer never raises SIGPIPE, and addresses travel as a flat sb_address value.
 *
 * Every function returning int or ssize_t reports failure as -1 with errno set, like the calls
 * it wraps, so the Swift side maps errno to its typed errors in one place.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Address families of sb_address (independent of the platform's AF_* numbers).
enum { SB_FAMILY_IPV4 = 4, SB_FAMILY_IPV6 = 6 };

/// An IPv4 or IPv6 socket address. `bytes` holds the address in network order: the first 4 bytes
/// for IPv4, all 16 for IPv6. `port` is in host order. `scope_id` is only meaningful for IPv6.
typedef struct sb_address {
    int family;
    uint16_t port;
    uint32_t scope_id;
    uint8_t bytes[16];
} sb_address;

/// Parses a numeric IPv4 or IPv6 host (no name lookup). Returns 0, or -1 if `host` is neither.
int sb_address_parse(const char *host, uint16_t port, sb_address *out);

/// Writes the numeric host of `address` (without port or brackets) into `buffer`.
/// A capacity of 64 always suffices. Returns 0, or -1 on failure.
int sb_address_format(const sb_address *address, char *buffer, size_t capacity);

/// Opens a non-blocking, close-on-exec TCP (datagram == 0) or UDP (datagram != 0) socket.
int sb_socket_open(int family, int datagram);

int sb_bind(int fd, const sb_address *address);
int sb_listen(int fd, int backlog);

/// Starts a non-blocking connect: 0 when already connected, else -1 with errno EAGAIN while it is
/// in progress (wait for writability, then ask sb_connect_result), or with the failure.
int sb_connect(int fd, const sb_address *address);

/// The state of a connect in progress: 0 once connected, else -1 with errno EAGAIN while still
/// pending (a readiness report can precede completion), or with the reason it failed.
int sb_connect_result(int fd);

/// Accepts one connection as a non-blocking, close-on-exec socket and stores its peer address,
/// skipping connections that were aborted while queued.
int sb_accept(int fd, sb_address *peer);

int sb_local_address(int fd, sb_address *out);
int sb_peer_address(int fd, sb_address *out);

/// One piece of a gathered send: `count` bytes at `bytes`.
typedef struct sb_buffer {
    const void *bytes;
    size_t count;
} sb_buffer;

/// The most pieces one sb_send_buffers call takes.
enum { SB_MAX_SEND_BUFFERS = 64 };

/// Sends up to SB_MAX_SEND_BUFFERS pieces, in order, with one sendmsg(2) that never raises SIGPIPE:
/// a frame's header, payload pieces and trailer leave in one call (and, with TCP_NODELAY, without a
/// tiny segment of their own). Returns the bytes sent, which may be fewer than the pieces hold.
ssize_t sb_send_buffers(int fd, const sb_buffer *buffers, int count);

ssize_t sb_receive(int fd, void *bytes, size_t capacity);
ssize_t sb_send_to(int fd, const void *bytes, size_t count, const sb_address *to);
/// Receives one datagram and its sender. With sb_set_receive_timestamps on, `*waited_ns` is how long
/// the datagram sat in the socket since the kernel took it in (0 without a timestamp, never negative):
/// a process that reads late still learns when a datagram arrived.
ssize_t sb_receive_from(int fd, void *bytes, size_t capacity, sb_address *from, int64_t *waited_ns);
/// Asks the kernel to stamp every datagram with its arrival time (SO_TIMESTAMP).
int sb_set_receive_timestamps(int fd);

/// Resolves a host name to up to `capacity` stream-socket addresses with `port`, in the system's order of
/// preference (getaddrinfo; it blocks, and may ask the configured DNS servers). Returns how many were
/// written, or a negative getaddrinfo error code for sb_resolve_error.
int sb_resolve(const char *host, uint16_t port, sb_address *out, int capacity);
/// The text for a negative result of sb_resolve.
const char *sb_resolve_error(int code);

/// Shuts down the sending direction: the peer reads end-of-stream once queued bytes arrive.
int sb_shutdown_write(int fd);

/// SO_REUSEADDR, and SO_REUSEPORT too when `reuse_port` is non-zero.
int sb_set_reuse(int fd, int reuse_port);
int sb_set_tcp_nodelay(int fd, int on);

/// SO_RCVLOWAT: readiness is reported once `bytes` have arrived (or the stream ends or fails), so a
/// reader that needs a megabyte is woken once for it rather than for every segment. Receives return
/// whatever has arrived either way.
int sb_set_receive_low_water(int fd, int bytes);

/// Joins (join != 0) or leaves the IPv4 multicast `group` on the interface that owns the IPv4
/// address `interface_address` (127.0.0.1 confines the membership to loopback).
int sb_multicast_v4_membership(int fd, const sb_address *group, const sb_address *interface_address, int join);

/// Sends multicast from the interface that owns `interface_address`, with the given hop limit,
/// delivering a copy to this host's own listeners when `loop` is non-zero.
int sb_multicast_v4_sending(int fd, const sb_address *interface_address, int loop, int ttl);

#if defined(__linux__)

/// One readiness report from sb_epoll_wait. Errors and hang-ups set both flags, so that the
/// waiting reader and writer each retry their call and see the error from it.
typedef struct sb_event {
    uint64_t token;
    int readable;
    int writable;
} sb_event;

int sb_epoll_create(void);

/// Watches `fd` (an eventfd) edge-triggered for input, for as long as it is registered.
int sb_epoll_add_wakeup(int epfd, int fd, uint64_t token);

/// Registers `fd` disarmed: no readiness is reported until sb_epoll_arm. Events carry `token`.
int sb_epoll_add(int epfd, int fd, uint64_t token);

/// Arms `fd` for one report of input or hang-up (`readable`), output (`writable`) or an error,
/// whichever comes first, including a state it is already in; the report disarms it again.
int sb_epoll_arm(int epfd, int fd, uint64_t token, int readable, int writable);
int sb_epoll_remove(int epfd, int fd);

/// Waits up to `timeout_ms` (-1 = forever) and stores at most `capacity` (up to 256) events.
/// Returns their count, 0 on timeout, or -1 (EINTR included) with errno set.
int sb_epoll_wait(int epfd, sb_event *events, int capacity, int timeout_ms);

/// A non-blocking eventfd for waking a thread blocked in sb_epoll_wait.
int sb_eventfd_create(void);
int sb_eventfd_signal(int fd);
void sb_eventfd_drain(int fd);

#endif

#ifdef __cplusplus
}
#endif

#endif
