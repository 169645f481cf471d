// Command etcd is etcd 3.6 (the release Kubernetes 1.36 is built against),
// built from go.etcd.io/etcd/server/v3 pinned in ../../go.mod.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
