package io.drls.spark;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Would these compiled classes link against the classpath they run on? For every class, field
 * and method their constant pools name, checks that it exists there with the same descriptor,
 * and that every concrete class implements every abstract method of its supertypes. This is what
 * the JVM checks lazily, call by call (NoSuchMethodError, AbstractMethodError), done for all of
 * them at once: a Spark that changed a signature the connector uses fails here, not in a query.
 */
final class ClassLinkage {
  private ClassLinkage() {}

  /** A member reference of a class file: kind 9 field, 10 method, 11 interface method. */
  private record Ref(int kind, String owner, String name, String descriptor) {}

  /** The problems found in the .class files under {@code root}; empty when everything links. */
  static Set<String> problems(Path root, ClassLoader loader) throws IOException {
    Set<String> problems = new TreeSet<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
    if (files.isEmpty()) problems.add("no class files under " + root);
    for (Path file : files) {
      String self = root.relativize(file).toString().replace('\\', '/').replaceAll("\\.class$", "");
      Set<String> classes = new LinkedHashSet<>();
      Set<Ref> refs = new LinkedHashSet<>();
      try (InputStream in = Files.newInputStream(file)) {
        readConstantPool(new DataInputStream(in), classes, refs);
      }
      for (String c : classes) {
        String name = elementClass(c);
        if (name != null && load(name, loader) == null) problems.add(self + ": class " + name + " is missing");
      }
      for (Ref r : refs) {
        if (r.owner().startsWith("[")) continue; // clone() on an array
        Class<?> owner = load(r.owner(), loader);
        if (owner == null) continue; // reported above
        String problem = r.kind() == 9 ? checkField(owner, r) : checkMethod(owner, r);
        if (problem != null) problems.add(self + ": " + problem);
      }
      Class<?> own = load(self, loader);
      if (own == null) problems.add(self + ": does not load");
      else problems.addAll(unimplemented(own));
    }
    return problems;
  }

  /** The class an entry names, arrays reduced to their element; null for primitive arrays. */
  private static String elementClass(String entry) {
    if (!entry.startsWith("[")) return entry;
    String e = entry.replaceFirst("^\\[+", "");
    return e.startsWith("L") ? e.substring(1, e.length() - 1) : null;
  }

  private static Class<?> load(String internalName, ClassLoader loader) {
    try {
      return Class.forName(internalName.replace('/', '.'), false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static String checkField(Class<?> owner, Ref r) {
    try {
      for (Class<?> c : supertypes(owner)) {
        for (Field f : c.getDeclaredFields()) {
          if (f.getName().equals(r.name()) && descriptor(f.getType()).equals(r.descriptor())) return null;
        }
      }
    } catch (LinkageError e) {
      return "field " + r.owner() + "." + r.name() + " cannot be checked: " + e;
    }
    return "field " + r.owner() + "." + r.name() + " " + r.descriptor() + " is missing";
  }

  private static String checkMethod(Class<?> owner, Ref r) {
    try {
      if (r.name().equals("<init>")) {
        for (Constructor<?> k : owner.getDeclaredConstructors()) {
          if (MethodType.methodType(void.class, k.getParameterTypes()).toMethodDescriptorString().equals(r.descriptor())) {
            return null;
          }
        }
      } else {
        for (Class<?> c : supertypes(owner)) {
          for (Method m : c.getDeclaredMethods()) {
            if (m.getName().equals(r.name()) && (descriptor(m).equals(r.descriptor()) || signaturePolymorphic(m))) {
              return null;
            }
          }
        }
      }
    } catch (LinkageError e) {
      return "method " + r.owner() + "." + r.name() + " cannot be checked: " + e;
    }
    return "method " + r.owner() + "." + r.name() + r.descriptor() + " is missing";
  }

  /** MethodHandle.invokeExact and the like take any descriptor at a call site (JVMS 2.9.3). */
  private static boolean signaturePolymorphic(Method m) {
    Class<?> owner = m.getDeclaringClass();
    return (owner == java.lang.invoke.MethodHandle.class || owner == java.lang.invoke.VarHandle.class)
        && Modifier.isNative(m.getModifiers()) && m.isVarArgs()
        && m.getParameterCount() == 1 && m.getParameterTypes()[0] == Object[].class;
  }

  /** Abstract methods of the supertypes that a concrete class leaves without a body. */
  private static List<String> unimplemented(Class<?> c) {
    List<String> out = new ArrayList<>();
    if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) return out;
    try {
      Set<String> concrete = new HashSet<>();
      List<Class<?>> all = supertypes(c);
      for (Class<?> t : all) {
        for (Method m : t.getDeclaredMethods()) {
          if (!Modifier.isAbstract(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
            concrete.add(m.getName() + descriptorOfParams(m));
          }
        }
      }
      for (Class<?> t : all) {
        for (Method m : t.getDeclaredMethods()) {
          if (Modifier.isAbstract(m.getModifiers()) && !concrete.contains(m.getName() + descriptorOfParams(m))) {
            out.add(c.getName() + " does not implement " + t.getName() + "." + m.getName() + descriptor(m));
          }
        }
      }
    } catch (LinkageError e) {
      out.add(c.getName() + " cannot be checked: " + e);
    }
    return out;
  }

  /** The class, its superclasses and every interface they implement, nearest first. */
  private static List<Class<?>> supertypes(Class<?> c) {
    List<Class<?>> out = new ArrayList<>();
    Set<Class<?>> seen = new HashSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>();
    todo.add(c);
    while (!todo.isEmpty()) {
      Class<?> t = todo.poll();
      if (!seen.add(t)) continue;
      out.add(t);
      if (t.getSuperclass() != null) todo.add(t.getSuperclass());
      todo.addAll(List.of(t.getInterfaces()));
    }
    return out;
  }

  private static String descriptor(Method m) {
    return MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString();
  }

  private static String descriptorOfParams(Method m) {
    return MethodType.methodType(void.class, m.getParameterTypes()).toMethodDescriptorString();
  }

  private static String descriptor(Class<?> t) {
    return MethodType.methodType(t).toMethodDescriptorString().substring(2); // "()X" -> "X"
  }

  /** Reads a class file's constant pool (JVMS 4.4): the classes and member references it names. */
  private static void readConstantPool(DataInputStream in, Set<String> classes, Set<Ref> refs) throws IOException {
    if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNameIndex = new int[count];
    int[][] nameAndType = new int[count][];
    List<int[]> memberRefs = new ArrayList<>(); // {kind, class index, name-and-type index}
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++; // takes two slots
        }
        case 7 -> classNameIndex[i] = in.readUnsignedShort();
        case 8, 16, 19, 20 -> in.readUnsignedShort();
        case 9, 10, 11 -> memberRefs.add(new int[] {tag, in.readUnsignedShort(), in.readUnsignedShort()});
        case 12 -> nameAndType[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        case 17, 18 -> {
          in.readUnsignedShort();
          in.readUnsignedShort();
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
      }
    }
    for (int i = 1; i < count; i++) {
      if (classNameIndex[i] != 0) classes.add(utf8[classNameIndex[i]]);
    }
    for (int[] m : memberRefs) {
      int[] nt = nameAndType[m[2]];
      refs.add(new Ref(m[0], utf8[classNameIndex[m[1]]], utf8[nt[0]], utf8[nt[1]]));
    }
  }
}
