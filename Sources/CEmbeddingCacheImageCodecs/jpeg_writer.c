#include "CEmbeddingCacheImageCodecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>

// Heap-allocated, so that the buffer libjpeg grows survives the longjmp and can be freed.
struct jpeg_writer {
    struct jpeg_compress_struct info;
    struct jpeg_error_mgr errors;
    unsigned char *buffer;
    unsigned long size;
    embcache_codec_output *output;
    jmp_buf jump;
};

static void on_error(j_common_ptr info) {
    struct jpeg_writer *writer = info->client_data;
    (*info->err->format_message)(info, writer->output->message);
    longjmp(writer->jump, 1);
}

static void on_message(j_common_ptr info, int level) {
    (void)info;
    (void)level;
}

int embcache_jpeg_write(
    const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes, int channels, int quality,
    const uint8_t *app1, size_t app1_size, embcache_codec_output *output) {
    output->data = NULL;
    output->size = 0;
    output->message[0] = 0;
    struct jpeg_writer *writer = calloc(1, sizeof *writer);
    if (writer == NULL) {
        snprintf(output->message, sizeof output->message, "out of memory");
        return -1;
    }
    writer->output = output;
    writer->info.err = jpeg_std_error(&writer->errors);
    writer->errors.error_exit = on_error;
    writer->errors.emit_message = on_message;
    writer->info.client_data = writer;
    if (setjmp(writer->jump)) {
        jpeg_destroy_compress(&writer->info);
        free(writer->buffer);
        free(writer);
        return -1;
    }
    jpeg_create_compress(&writer->info);
    jpeg_mem_dest(&writer->info, &writer->buffer, &writer->size);
    writer->info.image_width = width;
    writer->info.image_height = height;
    writer->info.input_components = channels;
    writer->info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&writer->info);
    jpeg_set_quality(&writer->info, quality, TRUE);
    jpeg_start_compress(&writer->info, TRUE);
    if (app1_size > 0) jpeg_write_marker(&writer->info, JPEG_APP0 + 1, app1, (unsigned)app1_size);
    while (writer->info.next_scanline < height) {
        JSAMPROW row = (JSAMPROW)pixels + (size_t)writer->info.next_scanline * row_bytes;
        jpeg_write_scanlines(&writer->info, &row, 1);
    }
    jpeg_finish_compress(&writer->info);
    jpeg_destroy_compress(&writer->info);
    output->data = writer->buffer;
    output->size = writer->size;
    free(writer);
    return 0;
}
