#ifndef EMBCACHE_SHARED_MAPPINGS_H
#define EMBCACHE_SHARED_MAPPINGS_H

#include <sqlite3.h>

/// The read-only mappings of one database file, shared by every connection of the process that
/// opened it through the mapped VFS, so that a page is faulted into the process once rather than
/// once per connection.
///
/// A mapping, once made, stays until the last connection on the file closes: a connection may
/// hold pages from it while another needs a longer one. Longer ones are made twice as long as the
/// last each time, so a growing file is remapped a logarithmic number of times, and the mappings
/// of a file add up to less than twice the longest.
typedef struct SharedMappings SharedMappings;

/// The mappings of the file `descriptor` is open on, created when it has none yet; NULL when the
/// file cannot be examined. Each call is balanced by one `shared_mappings_release`.
SharedMappings *shared_mappings_acquire(int descriptor);

/// Gives back what `shared_mappings_acquire` returned, unmapping the file after its last user.
void shared_mappings_release(SharedMappings *mappings);

/// Returns the file's longest mapping, first mapping at least `length` bytes through `descriptor`
/// when it is shorter, and stores its length in `mappedLength`; NULL (and 0) when nothing could be
/// mapped. The mapping may extend past the end of the file: only bytes inside it may be read.
const char *shared_mappings_cover(
    SharedMappings *mappings, int descriptor, sqlite3_int64 length, sqlite3_int64 *mappedLength);

#endif
