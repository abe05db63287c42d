# fleetgate's small Linux I/O addon: TUN, raw IPv4 and batched UDP (recvmmsg/sendmmsg).
# Built at install by scripts/build-native.mjs; fleetgate runs without it (file ports only).
{
  'targets': [
    {
      'target_name': 'fleetgate_native',
      # node-addon-api headers with C++ exceptions on (errors become JS exceptions, see errors.cc).
      # Included directly rather than as a gyp dependency, which would write makefiles to native/node_modules.
      'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")"],
      'defines': ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS'],
      'cflags!': ['-fno-exceptions'],
      'cflags_cc!': ['-fno-exceptions'],
      'cflags': ['-Wall', '-Wextra', '-O2'],
      'cflags_cc': ['-std=gnu++17', '-fexceptions'],
      'conditions': [
        ["OS=='linux'", {
          'sources': [
            'src/addon.cc',
            'src/args.cc',
            'src/copy.cc',
            'src/errors.cc',
            'src/fd-watcher.cc',
            'src/fd-util.cc',
            'src/mmsg.cc',
            'src/raw.cc',
            'src/tun.cc',
            'src/udp.cc',
          ],
        }],
      ],
    },
  ],
}
