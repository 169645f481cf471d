// Command config-checker is the part of the simulated kubelet that kwok's
// Stages cannot do: they select pods with jq over the pod alone, but a kubelet
// looks up the Secrets and ConfigMaps a pod refers to before it starts it.
//
// It watches pods, Secrets and ConfigMaps (as cluster admin) and annotates
// every pod that has not started yet (phase Pending) with what a kubelet would
// run into (see check.go): sim.slipway.dev/config-check = ok | mount | init |
// containers, plus one annotation per failing container or volume with the
// kubelet's error message. The pod stages start only pods marked "ok" and turn
// the others into CreateContainerConfigError / FailedMount, so a pod can never
// start before it has been checked. When a Secret or ConfigMap appears,
// changes or goes away, the pending pods of its namespace are checked again
// (a kubelet retries), so creating the missing Secret lets the pod start.
//
// Run by `tools/local-cluster/cluster up`; logs to .run/config-checker.log.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"maps"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
)

const fieldManager = "slipway-config-checker"

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of a cluster admin")
	readyFile := flag.String("ready-file", "", "file to create once the caches are synced")
	workers := flag.Int("workers", 2, "pods checked in parallel")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatalf("loading kubeconfig: %v", err)
	}
	// Pods must not wait on a client-side rate limit (default 5/s).
	cfg.QPS, cfg.Burst = 100, 200
	cfg.UserAgent = fieldManager
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatalf("creating client: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	c := newChecker(client)
	if err := c.start(ctx); err != nil {
		log.Fatalf("%v", err)
	}
	if *readyFile != "" {
		if err := os.WriteFile(*readyFile, []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644); err != nil {
			log.Fatalf("writing %s: %v", *readyFile, err)
		}
	}
	log.Printf("watching pods, secrets and configmaps; %d workers", *workers)
	for range *workers {
		go c.work(ctx)
	}
	<-ctx.Done()
	c.queue.ShutDown()
	log.Printf("stopping")
}

type checker struct {
	client     kubernetes.Interface
	factory    informers.SharedInformerFactory
	pods       cache.SharedIndexInformer
	secrets    cache.SharedIndexInformer
	configMaps cache.SharedIndexInformer
	queue      workqueue.TypedRateLimitingInterface[string]
}

func newChecker(client kubernetes.Interface) *checker {
	factory := informers.NewSharedInformerFactory(client, 0)
	return &checker{
		client:     client,
		factory:    factory,
		pods:       factory.Core().V1().Pods().Informer(),
		secrets:    factory.Core().V1().Secrets().Informer(),
		configMaps: factory.Core().V1().ConfigMaps().Informer(),
		queue:      workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
	}
}

func (c *checker) start(ctx context.Context) error {
	// Keep only what the check needs: key names, never Secret values.
	must(c.secrets.SetTransform(func(obj any) (any, error) {
		if s, ok := obj.(*corev1.Secret); ok {
			keys := make(map[string][]byte, len(s.Data))
			for k := range s.Data {
				keys[k] = nil
			}
			return &corev1.Secret{ObjectMeta: slim(s.ObjectMeta), Data: keys}, nil
		}
		return obj, nil
	}))
	must(c.configMaps.SetTransform(func(obj any) (any, error) {
		if cm, ok := obj.(*corev1.ConfigMap); ok {
			data := make(map[string]string, len(cm.Data))
			for k := range cm.Data {
				data[k] = ""
			}
			binary := make(map[string][]byte, len(cm.BinaryData))
			for k := range cm.BinaryData {
				binary[k] = nil
			}
			return &corev1.ConfigMap{ObjectMeta: slim(cm.ObjectMeta), Data: data, BinaryData: binary}, nil
		}
		return obj, nil
	}))
	must(c.pods.SetTransform(func(obj any) (any, error) {
		if p, ok := obj.(*corev1.Pod); ok {
			p.ManagedFields = nil
		}
		return obj, nil
	}))

	_, err := c.pods.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueuePod,
		UpdateFunc: func(_, obj any) { c.enqueuePod(obj) },
	})
	must(err)
	namespaceChanged := cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueueNamespaceOf,
		UpdateFunc: func(_, obj any) { c.enqueueNamespaceOf(obj) },
		DeleteFunc: c.enqueueNamespaceOf,
	}
	_, err = c.secrets.AddEventHandler(namespaceChanged)
	must(err)
	_, err = c.configMaps.AddEventHandler(namespaceChanged)
	must(err)

	c.factory.Start(ctx.Done())
	syncCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for typ, ok := range c.factory.WaitForCacheSync(syncCtx.Done()) {
		if !ok {
			return fmt.Errorf("cache of %v did not sync", typ)
		}
	}
	return nil
}

func slim(m metav1.ObjectMeta) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion}
}

func must(err error) {
	if err != nil {
		log.Fatalf("%v", err)
	}
}

// pending: the pod has not started, so what it refers to still matters.
func pending(pod *corev1.Pod) bool {
	return pod.DeletionTimestamp == nil && (pod.Status.Phase == "" || pod.Status.Phase == corev1.PodPending)
}

func (c *checker) enqueuePod(obj any) {
	if pod, ok := obj.(*corev1.Pod); ok && pending(pod) {
		c.queue.Add(pod.Namespace + "/" + pod.Name)
	}
}

func (c *checker) enqueueNamespaceOf(obj any) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	m, ok := obj.(metav1.Object)
	if !ok {
		return
	}
	pods, err := c.pods.GetIndexer().ByIndex(cache.NamespaceIndex, m.GetNamespace())
	if err != nil {
		return
	}
	for _, p := range pods {
		c.enqueuePod(p)
	}
}

// Secret and ConfigMap implement Store over the informer caches.
func (c *checker) Secret(ns, name string) (*Keys, bool) {
	obj, ok, _ := c.secrets.GetIndexer().GetByKey(ns + "/" + name)
	if !ok {
		return nil, false
	}
	s := obj.(*corev1.Secret)
	k := &Keys{Data: map[string]struct{}{}}
	for key := range s.Data {
		k.Data[key] = struct{}{}
	}
	return k, true
}

func (c *checker) ConfigMap(ns, name string) (*Keys, bool) {
	obj, ok, _ := c.configMaps.GetIndexer().GetByKey(ns + "/" + name)
	if !ok {
		return nil, false
	}
	cm := obj.(*corev1.ConfigMap)
	k := &Keys{Data: map[string]struct{}{}, Binary: map[string]struct{}{}}
	for key := range cm.Data {
		k.Data[key] = struct{}{}
	}
	for key := range cm.BinaryData {
		k.Binary[key] = struct{}{}
	}
	return k, true
}

func (c *checker) work(ctx context.Context) {
	for {
		key, quit := c.queue.Get()
		if quit {
			return
		}
		if err := c.sync(ctx, key); err != nil {
			log.Printf("pod %s: %v (will retry)", key, err)
			c.queue.AddRateLimited(key)
		} else {
			c.queue.Forget(key)
		}
		c.queue.Done(key)
	}
}

func ours(key string) bool {
	return key == StateAnnotation || strings.HasPrefix(key, ContainerErrorPrefix) || strings.HasPrefix(key, VolumeErrorPrefix)
}

func (c *checker) sync(ctx context.Context, key string) error {
	obj, exists, err := c.pods.GetIndexer().GetByKey(key)
	if err != nil || !exists {
		return err
	}
	pod := obj.(*corev1.Pod)
	if !pending(pod) {
		return nil
	}
	want := Check(pod, c).Annotations()
	have := map[string]string{}
	for k, v := range pod.Annotations {
		if ours(k) {
			have[k] = v
		}
	}
	if maps.Equal(want, have) {
		return nil
	}
	patch := map[string]any{}
	for k := range have {
		patch[k] = nil
	}
	for k, v := range want {
		patch[k] = v
	}
	// The uid makes the patch fail on a new pod that took the name (a
	// StatefulSet's replacement): that one gets its own check.
	body, err := json.Marshal(map[string]any{"metadata": map[string]any{"uid": pod.UID, "annotations": patch}})
	if err != nil {
		return err
	}
	_, err = c.client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.MergePatchType, body,
		metav1.PatchOptions{FieldManager: fieldManager})
	switch {
	case apierrors.IsNotFound(err), apierrors.IsInvalid(err), apierrors.IsConflict(err):
		return nil // gone or replaced; the informer brings the successor
	case err != nil:
		return err
	}
	var problems []string
	for k, v := range want {
		if k != StateAnnotation {
			problems = append(problems, fmt.Sprintf("%s: %s", k, v))
		}
	}
	log.Printf("pod %s: %s %s", key, want[StateAnnotation], strings.Join(problems, "; "))
	return nil
}
