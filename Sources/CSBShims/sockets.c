// accept4 is a GNU extension.
#define _GNU_SOURCE

#include "CSBShims.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
// Linux reports SIGPIPE per call unless told otherwise; Darwin uses the SO_NOSIGPIPE socket option.
#define SB_SEND_FLAGS MSG_NOSIGNAL
#else
#define SB_SEND_FLAGS 0
#endif

static socklen_t to_sockaddr(const sb_address *address, struct sockaddr_storage *storage) {
    memset(storage, 0, sizeof *storage);
    if (address->family == SB_FAMILY_IPV4) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)storage;
        v4->sin_family = AF_INET;
        v4->sin_port = htons(address->port);
        memcpy(&v4->sin_addr, address->bytes, 4);
        return sizeof *v4;
    }
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)storage;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(address->port);
    v6->sin6_scope_id = address->scope_id;
    memcpy(&v6->sin6_addr, address->bytes, 16);
    return sizeof *v6;
}

static int from_sockaddr(const struct sockaddr_storage *storage, sb_address *out) {
    memset(out, 0, sizeof *out);
    if (storage->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)storage;
        out->family = SB_FAMILY_IPV4;
        out->port = ntohs(v4->sin_port);
        memcpy(out->bytes, &v4->sin_addr, 4);
        return 0;
    }
    if (storage->ss_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)storage;
        out->family = SB_FAMILY_IPV6;
        out->port = ntohs(v6->sin6_port);
        out->scope_id = v6->sin6_scope_id;
        memcpy(out->bytes, &v6->sin6_addr, 16);
        return 0;
    }
    errno = EAFNOSUPPORT;
    return -1;
}

static int set_int_option(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof value);
}

#if !defined(__linux__)
// Sockets come out of socket() and accept() blocking and inheritable on Darwin, which lacks
// SOCK_NONBLOCK / accept4.
static int prepare_descriptor(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0
        || set_int_option(fd, SOL_SOCKET, SO_NOSIGPIPE, 1) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}
#endif

int sb_address_parse(const char *host, uint16_t port, sb_address *out) {
    memset(out, 0, sizeof *out);
    out->port = port;
    if (inet_pton(AF_INET, host, out->bytes) == 1) {
        out->family = SB_FAMILY_IPV4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, out->bytes) == 1) {
        out->family = SB_FAMILY_IPV6;
        return 0;
    }
    return -1;
}

int sb_address_format(const sb_address *address, char *buffer, size_t capacity) {
    int family = address->family == SB_FAMILY_IPV4 ? AF_INET : AF_INET6;
    return inet_ntop(family, address->bytes, buffer, (socklen_t)capacity) ? 0 : -1;
}

int sb_socket_open(int family, int datagram) {
    int domain = family == SB_FAMILY_IPV4 ? AF_INET : AF_INET6;
    int type = datagram ? SOCK_DGRAM : SOCK_STREAM;
#if defined(__linux__)
    return socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
    int fd = socket(domain, type, 0);
    return fd < 0 ? fd : prepare_descriptor(fd);
#endif
}

int sb_bind(int fd, const sb_address *address) {
    struct sockaddr_storage storage;
    socklen_t length = to_sockaddr(address, &storage);
    return bind(fd, (struct sockaddr *)&storage, length);
}

int sb_listen(int fd, int backlog) {
    return listen(fd, backlog);
}

int sb_connect(int fd, const sb_address *address) {
    struct sockaddr_storage storage;
    socklen_t length = to_sockaddr(address, &storage);
    int result = connect(fd, (struct sockaddr *)&storage, length);
    if (result < 0 && errno == EINPROGRESS) {
        errno = EAGAIN;
    }
    return result;
}

int sb_connect_result(int fd) {
    int failure = 0;
    socklen_t length = sizeof failure;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) < 0) {
        return -1;
    }
    if (failure != 0) {
        errno = failure;
        return -1;
    }
    struct sockaddr_storage peer;
    socklen_t peer_length = sizeof peer;
    if (getpeername(fd, (struct sockaddr *)&peer, &peer_length) == 0) {
        return 0;
    }
    if (errno == ENOTCONN) {
        errno = EAGAIN;
    }
    return -1;
}

int sb_accept(int fd, sb_address *peer) {
    struct sockaddr_storage storage;
    socklen_t length;
    int client;
    // A connection reset while queued is no reason to fail the caller: take the next one.
    do {
        length = sizeof storage;
#if defined(__linux__)
        client = accept4(fd, (struct sockaddr *)&storage, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
        client = accept(fd, (struct sockaddr *)&storage, &length);
        if (client >= 0) {
            client = prepare_descriptor(client);
        }
#endif
    } while (client < 0 && errno == ECONNABORTED);
    if (client >= 0 && from_sockaddr(&storage, peer) < 0) {
        int saved = errno;
        close(client);
        errno = saved;
        return -1;
    }
    return client;
}

int sb_local_address(int fd, sb_address *out) {
    struct sockaddr_storage storage;
    socklen_t length = sizeof storage;
    if (getsockname(fd, (struct sockaddr *)&storage, &length) < 0) {
        return -1;
    }
    return from_sockaddr(&storage, out);
}

int sb_peer_address(int fd, sb_address *out) {
    struct sockaddr_storage storage;
    socklen_t length = sizeof storage;
    if (getpeername(fd, (struct sockaddr *)&storage, &length) < 0) {
        return -1;
    }
    return from_sockaddr(&storage, out);
}

ssize_t sb_send_buffers(int fd, const sb_buffer *buffers, int count) {
    if (count < 0 || count > SB_MAX_SEND_BUFFERS) {
        errno = EINVAL;
        return -1;
    }
    struct iovec vectors[SB_MAX_SEND_BUFFERS];
    for (int index = 0; index < count; ++index) {
        vectors[index].iov_base = (void *)buffers[index].bytes;
        vectors[index].iov_len = buffers[index].count;
    }
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = vectors;
    message.msg_iovlen = count;
    return sendmsg(fd, &message, SB_SEND_FLAGS);
}

ssize_t sb_receive(int fd, void *bytes, size_t capacity) {
    return recv(fd, bytes, capacity, 0);
}

ssize_t sb_send_to(int fd, const void *bytes, size_t count, const sb_address *to) {
    struct sockaddr_storage storage;
    socklen_t length = to_sockaddr(to, &storage);
    return sendto(fd, bytes, count, SB_SEND_FLAGS, (struct sockaddr *)&storage, length);
}

ssize_t sb_receive_from(int fd, void *bytes, size_t capacity, sb_address *from, int64_t *waited_ns) {
    struct sockaddr_storage storage;
    struct iovec vector = {bytes, capacity};
    union {
        char buffer[CMSG_SPACE(sizeof(struct timeval))];
        struct cmsghdr alignment;
    } control;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_name = &storage;
    message.msg_namelen = sizeof storage;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control.buffer;
    message.msg_controllen = sizeof control.buffer;
    ssize_t count = recvmsg(fd, &message, 0);
    if (count < 0 || from_sockaddr(&storage, from) < 0) {
        return -1;
    }
    *waited_ns = 0;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_TIMESTAMP) {
            continue;
        }
        // The stamp is wall-clock time; only its distance from now is used, so clock steps between
        // the kernel's stamp and this read are the only error.
        struct timeval stamp;
        memcpy(&stamp, CMSG_DATA(header), sizeof stamp);
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        int64_t waited = ((int64_t)now.tv_sec - (int64_t)stamp.tv_sec) * 1000000000
            + ((int64_t)now.tv_nsec - (int64_t)stamp.tv_usec * 1000);
        *waited_ns = waited > 0 ? waited : 0;
    }
    return count;
}

int sb_set_receive_timestamps(int fd) {
    return set_int_option(fd, SOL_SOCKET, SO_TIMESTAMP, 1);
}

int sb_resolve(const char *host, uint16_t port, sb_address *out, int capacity) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo *results = NULL;
    int status = getaddrinfo(host, service, &hints, &results);
    if (status != 0) {
        // getaddrinfo's codes are negative on Linux and positive on Darwin: report them negative.
        return status < 0 ? status : -status;
    }
    int count = 0;
    for (struct addrinfo *result = results; result && count < capacity; result = result->ai_next) {
        struct sockaddr_storage storage;
        if (result->ai_addrlen > sizeof storage) {
            continue;
        }
        memset(&storage, 0, sizeof storage);
        memcpy(&storage, result->ai_addr, result->ai_addrlen);
        if (from_sockaddr(&storage, &out[count]) == 0) {
            count += 1;
        }
    }
    freeaddrinfo(results);
    return count;
}

const char *sb_resolve_error(int code) {
#if defined(__linux__)
    return gai_strerror(code);
#else
    return gai_strerror(-code);
#endif
}

int sb_shutdown_write(int fd) {
    return shutdown(fd, SHUT_WR);
}

int sb_set_reuse(int fd, int reuse_port) {
    if (set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0) {
        return -1;
    }
    return reuse_port ? set_int_option(fd, SOL_SOCKET, SO_REUSEPORT, 1) : 0;
}

int sb_set_tcp_nodelay(int fd, int on) {
    return set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0);
}

int sb_set_receive_low_water(int fd, int bytes) {
    return set_int_option(fd, SOL_SOCKET, SO_RCVLOWAT, bytes);
}

int sb_multicast_v4_membership(int fd, const sb_address *group, const sb_address *interface_address, int join) {
    if (group->family != SB_FAMILY_IPV4 || interface_address->family != SB_FAMILY_IPV4) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    struct ip_mreq request;
    memcpy(&request.imr_multiaddr, group->bytes, 4);
    memcpy(&request.imr_interface, interface_address->bytes, 4);
    int option = join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP;
    return setsockopt(fd, IPPROTO_IP, option, &request, sizeof request);
}

int sb_multicast_v4_sending(int fd, const sb_address *interface_address, int loop, int ttl) {
    if (interface_address->family != SB_FAMILY_IPV4) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    struct in_addr interface;
    memcpy(&interface, interface_address->bytes, 4);
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &interface, sizeof interface) < 0) {
        return -1;
    }
    // These two options take an unsigned char on Darwin and accept one on Linux.
    unsigned char loop_value = loop ? 1 : 0;
    unsigned char ttl_value = (unsigned char)(ttl < 0 ? 0 : ttl > 255 ? 255 : ttl);
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop_value, sizeof loop_value) < 0) {
        return -1;
    }
    return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl_value, sizeof ttl_value);
}
