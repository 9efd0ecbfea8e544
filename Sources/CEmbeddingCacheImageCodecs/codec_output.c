#include "CEmbeddingCacheImageCodecs.h"

#include <stdlib.h>

void embcache_codec_output_free(embcache_codec_output *output) {
    free(output->data);
    output->data = NULL;
    output->size = 0;
}
