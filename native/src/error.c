/* error.c - the one error table (EW_ERRNO_MAP in eventwire.h). */
#include "eventwire.h"

static const char *const ew__err_names[] = {
#define EW__X(name, code, msg) code,
    EW_ERRNO_MAP(EW__X)
#undef EW__X
};

static const char *const ew__err_msgs[] = {
#define EW__X(name, code, msg) msg,
    EW_ERRNO_MAP(EW__X)
#undef EW__X
};

int ew_err_count(void) { return EW__ERR_COUNT_; }

static int ew__err_index(int err) {
  int i = -err - 1;
  return (err < 0 && i < EW__ERR_COUNT_) ? i : -1;
}

const char *ew_err_name(int err) {
  int i = ew__err_index(err);
  return i < 0 ? "ERR_UNKNOWN" : ew__err_names[i];
}

const char *ew_strerror(int err) {
  int i = ew__err_index(err);
  return i < 0 ? "unknown error" : ew__err_msgs[i];
}
