#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
// wrapper per argument kind.
CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);
CURLcode ccurl_setopt_write_function(CURL *handle, size_t (*function)(char *, size_t, size_t, void *), void *userdata);
CURLcode ccurl_setopt_header_function(CURL *handle, size_t (*function)(char *, size_t, size_t, void *), void *userdata);
CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
